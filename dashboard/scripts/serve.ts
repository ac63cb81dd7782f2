// Dev-only: serves the built dashboard (`npm run build -w @proctor/dashboard` first) on 127.0.0.1:14321 against
// the local stack, trusting the edge's dev key, and a dev sign-in page on 127.0.0.1:14322 that POSTs a proctor token
// to /login the way a platform launch does (the token never appears in a URL). `npm start` runs this.
//   node dashboard/scripts/serve.ts [--tenant t1] [--role proctor|admin] [--signin-port 14322]
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';
import { stackConfig } from '@proctor/infra/stack/config';
import { DEV_DASHBOARD_AUDIENCE, DEV_ISSUER, devPublicKeyPem, mintDevProctorToken } from '@proctor/testkit';

const entry = new URL('../dist/server/entry.mjs', import.meta.url);
if (!existsSync(entry)) {
  console.error('dashboard is not built: run `npm run build -w @proctor/dashboard` first');
  process.exit(1);
}

const { values } = parseArgs({
  options: {
    tenant: { type: 'string', default: 't1' },
    role: { type: 'string', default: 'admin' },
    'signin-port': { type: 'string', default: '14322' },
  },
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
  // The dev sign-in page below is this dashboard's exam platform: its cross-site POST to /login is accepted.
  PLATFORM_ORIGINS: `http://${process.env.HOST ?? '127.0.0.1'}:${values['signin-port']}`,
};
for (const [key, value] of Object.entries(defaults)) process.env[key] ??= value;

const token = await mintDevProctorToken(values.tenant, values.role as 'proctor' | 'admin', {
  issuer: process.env.JWT_ISSUER,
  audience: process.env.JWT_AUDIENCE,
});
await import(entry.href);

const dashboardUrl = `http://${process.env.HOST}:${process.env.PORT}`;
const attr = (v: string) => v.replaceAll('&', '&amp;').replaceAll('"', '&quot;').replaceAll('<', '&lt;');
// A stand-in for the platform's launch: a page on another origin whose form POSTs the token to /login. Its own
// `?next=/path` (a path, never the token) says where the dashboard should land.
const signInPage = (next: string) => `<!doctype html><meta charset="utf-8"><title>Dev sign-in</title>
<form method="post" action="${attr(dashboardUrl)}/login">
  <input type="hidden" name="token" value="${attr(token)}"><input type="hidden" name="next" value="${attr(next)}">
  <p>Dev sign-in as ${attr(values.role)} of tenant ${attr(values.tenant)}.</p><button type="submit">Sign in</button>
</form>
<script>document.forms[0].submit()</script>`;
const signin = createServer((req, res) => {
  const next = new URL(req.url ?? '/', 'http://dev.invalid').searchParams.get('next') ?? '/';
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(signInPage(next));
});
signin.listen(Number(values['signin-port']), process.env.HOST);
console.log(`dashboard: sign in as ${values.role} of tenant ${values.tenant} (a dev page that POSTs the token):`);
console.log(`  dev sign-in: http://${process.env.HOST}:${values['signin-port']}/`);
