// Worker entry: the environment is parsed at isolate start, so a bad deploy fails loudly before serving anything.
import { env } from 'cloudflare:workers';
import { createApp } from './app.ts';
import { parseEnv } from './env.ts';

export default createApp(parseEnv(env as Record<string, unknown>));
