// Container entrypoint for the edge: writes .dev.vars from the environment, then runs `wrangler dev` in front.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { edgeEnvNames } from '@proctor/edge/env';

// Every variable the edge's schema names, so a compose setting can never be dropped on the way in (wrangler.toml's
// [vars] stay the defaults underneath). JSON quoting keeps a PEM key's newlines intact in the dotenv format.
const lines = edgeEnvNames.filter((k) => process.env[k]).map((k) => `${k}=${JSON.stringify(process.env[k])}`);
writeFileSync('.dev.vars', `${lines.join('\n')}\n`);

const port = process.env.EDGE_PORT ?? '18787';
const child = spawn(
  'npx',
  ['wrangler', 'dev', '--config', 'wrangler.toml', '--ip', '0.0.0.0', '--port', port, '--inspector-port', '19229'],
  { stdio: 'inherit' },
);
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => child.kill(signal));
child.on('exit', (code) => process.exit(code ?? 1));
