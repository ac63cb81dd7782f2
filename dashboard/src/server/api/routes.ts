// The API's routes, by operation id: each file under routes/ holds one route's definition and handler. The app
// (app.ts), the OpenAPI document and the tests' route tables are built from this list.

import { policyAudit } from './routes/admin/audit.ts';
import { erasure } from './routes/admin/erasure.ts';
import { policy } from './routes/admin/policy.ts';
import { policySave } from './routes/admin/policySave.ts';
import { schedulePolicy } from './routes/admin/schedulePolicy.ts';
import { schedulePolicySave } from './routes/admin/schedulePolicySave.ts';
import { review } from './routes/alerts/review.ts';
import { thumbnail } from './routes/alerts/thumbnail.ts';
import { me } from './routes/me.ts';
import { schedules } from './routes/schedules/list.ts';
import { sessions } from './routes/schedules/sessions.ts';
import { stream } from './routes/schedules/stream.ts';
import { audit } from './routes/sessions/audit.ts';
import { session } from './routes/sessions/detail.ts';
import { receipt } from './routes/sessions/receipt.ts';
import { risk } from './routes/sessions/risk.ts';

export const ROUTES = {
  me,
  schedules,
  sessions,
  stream,
  session,
  risk,
  audit,
  receipt,
  review,
  thumbnail,
  policy,
  policySave,
  schedulePolicy,
  schedulePolicySave,
  policyAudit,
  erasure,
} as const;

export type RouteId = keyof typeof ROUTES;
