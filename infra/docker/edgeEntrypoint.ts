// Container entrypoint for the edge: writes .dev.vars from the environment, then runs `wrangler dev` in front.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';

const SECRETS = [
  'UPSTASH_REDIS_REST_URL',
  'UPSTASH_REDIS_REST_TOKEN',
  'KAFKA_REST_URL',
  'JWT_PUBLIC_KEY',
  'JWT_JWKS_URL',
  'S3_ENDPOINT',
  'S3_BUCKET',
  'S3_ACCESS_KEY_ID',
  'S3_SECRET_ACCESS_KEY',
];
// JSON quoting keeps a PEM key's newlines intact in the dotenv format wrangler reads.
const lines = SECRETS.filter((k) => process.env[k]).map((k) => `${k}=${JSON.stringify(process.env[k])}`);
// docker-compose is a local stack: no REST credentials or CORS list, so the edge runs as development.
lines.push('ENVIRONMENT="development"');
writeFileSync('.dev.vars', `${lines.join('\n')}\n`);

const port = process.env.EDGE_PORT ?? '18787';
const child = spawn(
  'npx',
  ['wrangler', 'dev', '--config', 'wrangler.toml', '--ip', '0.0.0.0', '--port', port, '--inspector-port', '19229'],
  { stdio: 'inherit' },
);
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => child.kill(signal));
child.on('exit', (code) => process.exit(code ?? 1));
