// Dev-only: mints a token with the local dev key: an exam token for the edge, or a proctor/admin token for the dashboard.
//   npm run token -- --tenant t1 --schedule s1 --user u1 --attempt 1 [--exp-seconds N] [-v]
//   npm run token -- --tenant t1 --role proctor|admin [--exp-seconds N]
import { parseArgs } from 'node:util';
import { deriveSessionId } from '@proctor/contracts';
import { mintDevProctorToken, mintDevToken } from '@proctor/testkit';

const USAGE =
  'usage: npm run token -- --tenant t1 --schedule s1 --user u1 --attempt 1 [--exp-seconds N] [-v]\n' +
  '       npm run token -- --tenant t1 --role proctor|admin [--exp-seconds N]';

const { values } = parseArgs({
  options: {
    tenant: { type: 'string' },
    schedule: { type: 'string' },
    user: { type: 'string' },
    attempt: { type: 'string', default: '1' },
    role: { type: 'string' },
    'exp-seconds': { type: 'string', default: '3600' },
    verbose: { type: 'boolean', short: 'v', default: false },
  },
});
const { tenant, schedule, user, role } = values;
const attempt = Number(values.attempt);
const expSeconds = Number(values['exp-seconds']);
if (!tenant || !Number.isInteger(expSeconds)) {
  console.error(USAGE);
  process.exit(2);
}
if (role !== undefined) {
  // A dashboard token: who reviews, not who sits the exam.
  if (role !== 'proctor' && role !== 'admin') {
    console.error(USAGE);
    process.exit(2);
  }
  console.log(await mintDevProctorToken(tenant, role, { expSeconds }));
} else {
  if (!schedule || !user || !Number.isInteger(attempt)) {
    console.error(USAGE);
    process.exit(2);
  }
  const claims = { tenant_id: tenant, exam_schedule_id: schedule, user_id: user, attempt_no: attempt };
  const token = await mintDevToken(claims, { expSeconds });
  if (values.verbose) console.error(`sessionId ${await deriveSessionId(claims)}`);
  console.log(token);
}
