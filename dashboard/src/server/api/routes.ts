// The API's route table, collected from the route files: each file under src/pages/api exports the contract of the
// operations it serves (`contracts`). openapi.json and the token and tenant test matrix are built from this table.
import { contracts as policyAudit } from '../../pages/api/admin/audit.ts';
import { contracts as erasure } from '../../pages/api/admin/erasure.ts';
import { contracts as policy } from '../../pages/api/admin/policy.ts';
import { contracts as schedulePolicy } from '../../pages/api/admin/schedules/[scheduleId]/policy.ts';
import { contracts as review } from '../../pages/api/alerts/[alertId]/review.ts';
import { contracts as thumbnail } from '../../pages/api/alerts/[alertId]/thumbnail.ts';
import { contracts as me } from '../../pages/api/me.ts';
import { contracts as sessions } from '../../pages/api/schedules/[scheduleId]/sessions.ts';
import { contracts as stream } from '../../pages/api/schedules/[scheduleId]/stream.ts';
import { contracts as schedules } from '../../pages/api/schedules/index.ts';
import { contracts as audit } from '../../pages/api/sessions/[sessionId]/audit.ts';
import { contracts as session } from '../../pages/api/sessions/[sessionId]/index.ts';
import { contracts as receipt } from '../../pages/api/sessions/[sessionId]/receipt.ts';
import { contracts as risk } from '../../pages/api/sessions/[sessionId]/risk.ts';
import type { RouteContracts } from './contract.ts';

export const ROUTES = {
  ...me,
  ...schedules,
  ...sessions,
  ...stream,
  ...session,
  ...risk,
  ...audit,
  ...receipt,
  ...review,
  ...policy,
  ...schedulePolicy,
  ...policyAudit,
  ...erasure,
  ...thumbnail,
} as const satisfies RouteContracts;
