// Dev-only: serves the built dashboard (`npm run build -w @proctor/dashboard` first) on 127.0.0.1:14321 against
// the local stack, trusting the edge's dev key, and prints a proctor sign-in link. `npm start` runs this.
//   node dashboard/scripts/serve.ts [--tenant t1] [--role proctor|admin]
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import {
  DEV_DASHBOARD_AUDIENCE,
  DEV_ISSUER,
  devPublicKeyPem,
  mintDevProctorToken,
} from '../../edge/testing/devKeys.ts';
import { stackConfig } from '../../infra/stack/config.ts';

const entry = new URL('../dist/server/entry.mjs', import.meta.url);
if (!existsSync(entry)) {
  console.error('dashboard is not built: run `npm run build -w @proctor/dashboard` first');
  process.exit(1);
}

const { values } = parseArgs({
  options: { tenant: { type: 'string', default: 't1' }, role: { type: 'string', default: 'admin' } },
});
const stack = stackConfig();
const defaults: Record<string, string> = {
  HOST: '127.0.0.1',
  PORT: '14321',
  JWT_PUBLIC_KEY: await devPublicKeyPem(),
  JWT_ISSUER: DEV_ISSUER,
  JWT_AUDIENCE: DEV_DASHBOARD_AUDIENCE,
  MYSQL_URL: stack.mysqlUrl,
  REDIS_URL: stack.redis.url,
  // A fresh secret per start: dev sessions simply end when the server restarts.
  COOKIE_SECRET: randomBytes(32).toString('base64url'),
};
for (const [key, value] of Object.entries(defaults)) process.env[key] ??= value;

const token = await mintDevProctorToken(values.tenant, values.role as 'proctor' | 'admin', {
  issuer: process.env.JWT_ISSUER,
  audience: process.env.JWT_AUDIENCE,
});
await import(entry.href);
console.log(`dashboard: sign in as ${values.role} of tenant ${values.tenant}:`);
console.log(`  http://${process.env.HOST}:${process.env.PORT}/login?token=${token}`);
