// Dev-only: mints an exam token with the local dev key.
//   npm run token -- --tenant t1 --schedule s1 --user u1 --attempt 1 [--exp-seconds N]
import { parseArgs } from 'node:util';
import { deriveSessionId } from '@proctor/contracts';
import { mintDevToken } from '../testing/devKeys.ts';

const { values } = parseArgs({
  options: {
    tenant: { type: 'string' },
    schedule: { type: 'string' },
    user: { type: 'string' },
    attempt: { type: 'string', default: '1' },
    'exp-seconds': { type: 'string', default: '3600' },
    verbose: { type: 'boolean', short: 'v', default: false },
  },
});
const { tenant, schedule, user } = values;
const attempt = Number(values.attempt);
const expSeconds = Number(values['exp-seconds']);
if (!tenant || !schedule || !user || !Number.isInteger(attempt) || !Number.isInteger(expSeconds)) {
  console.error('usage: npm run token -- --tenant t1 --schedule s1 --user u1 --attempt 1 [--exp-seconds N] [-v]');
  process.exit(2);
}
const claims = { tenant_id: tenant, exam_schedule_id: schedule, user_id: user, attempt_no: attempt };
const token = await mintDevToken(claims, { expSeconds });
if (values.verbose) console.error(`sessionId ${await deriveSessionId(claims)}`);
console.log(token);
