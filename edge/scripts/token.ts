// Dev-only: mints a token with the local dev key: an exam token for a candidate, or a dashboard token for a
// proctor or an admin.
//   npm run token -- --tenant t1 --schedule s1 --user u1 --attempt 1 [--exp-seconds N] [-v]
//   npm run token -- --role proctor|admin --tenant t1 [--sub alice] [--name "Alice"] [--exp-seconds N] [--url URL]
import { parseArgs } from 'node:util';
import { deriveSessionId, ProctorRole } from '@proctor/contracts';
import { DEV_DASHBOARD_AUDIENCE, DEV_ISSUER, mintDevToken, signRawWithDevKey } from '../testing/devKeys.ts';

const USAGE = `usage:
  npm run token -- --tenant t1 --schedule s1 --user u1 --attempt 1 [--exp-seconds N] [-v]     exam token (candidate)
  npm run token -- --role proctor|admin --tenant t1 [--sub ID] [--name NAME] [--exp-seconds N] [--url URL]
                                                                  dashboard token, printed with its sign-in link`;

const { values } = parseArgs({
  options: {
    tenant: { type: 'string' },
    schedule: { type: 'string' },
    user: { type: 'string' },
    attempt: { type: 'string', default: '1' },
    role: { type: 'string' },
    sub: { type: 'string' },
    name: { type: 'string' },
    url: { type: 'string', default: 'http://127.0.0.1:14321' },
    'exp-seconds': { type: 'string', default: '3600' },
    verbose: { type: 'boolean', short: 'v', default: false },
  },
});
const { tenant, schedule, user } = values;
const attempt = Number(values.attempt);
const expSeconds = Number(values['exp-seconds']);
function usage(): never {
  console.error(USAGE);
  process.exit(2);
}
if (!tenant || !Number.isInteger(expSeconds)) usage();

if (values.role !== undefined) {
  const role = ProctorRole.safeParse(values.role);
  if (!role.success) usage();
  const now = Math.floor(Date.now() / 1000);
  const sub = values.sub ?? `dev-${role.data}`;
  const token = await signRawWithDevKey(
    { alg: 'RS256', typ: 'JWT' },
    {
      tenant_id: tenant,
      sub,
      role: role.data,
      name: values.name ?? `Dev ${role.data}`,
      iss: DEV_ISSUER,
      aud: DEV_DASHBOARD_AUDIENCE,
      iat: now,
      exp: now + expSeconds,
    },
  );
  console.error(`${role.data} ${sub} of tenant ${tenant}: sign in at ${values.url}/login?token=${token}`);
  console.log(token);
} else {
  if (!schedule || !user || !Number.isInteger(attempt)) usage();
  const claims = { tenant_id: tenant, exam_schedule_id: schedule, user_id: user, attempt_no: attempt };
  const token = await mintDevToken(claims, { expSeconds });
  if (values.verbose) console.error(`sessionId ${await deriveSessionId(claims)}`);
  console.log(token);
}
