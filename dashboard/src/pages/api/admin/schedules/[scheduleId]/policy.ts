// GET/POST /api/admin/schedules/:scheduleId/policy: one exam schedule's policy (admin only).
import type { APIRoute } from 'astro';
import { type RouteContracts, ScheduleParams } from '../../../../../server/api/contract.ts';
import { PolicySaveBody, PolicySaveResult, PolicyView } from '../../../../../server/api/policySchemas.ts';
import { apiError, json } from '../../../../../server/http/respond.ts';
import { loadPolicy } from '../../../../../server/policy/loadPolicy.ts';
import { handlePolicySave } from '../../../../../server/policy/savePolicyRoute.ts';

export const contracts = {
  schedulePolicy: {
    method: 'get',
    path: '/api/admin/schedules/{scheduleId}/policy',
    summary: 'Admin: one exam schedule’s policy (fields left out inherit from the tenant policy)',
    params: ScheduleParams,
    response: PolicyView,
  },
  schedulePolicySave: {
    method: 'post',
    path: '/api/admin/schedules/{scheduleId}/policy',
    summary: 'Admin: save a schedule policy (no retentionDays: retention is per tenant)',
    params: ScheduleParams,
    body: PolicySaveBody,
    response: PolicySaveResult,
  },
} as const satisfies RouteContracts;

const NOT_AN_ID = 'a schedule id is 1–128 letters, digits and . _ : @ -';

export const GET: APIRoute = async ({ locals, params }) => {
  const view = await loadPolicy(locals, params.scheduleId ?? '');
  return view ? json(view) : apiError('VALIDATION_FAILED', NOT_AN_ID, locals.requestId);
};
export const POST: APIRoute = (ctx) => {
  const id = ctx.params.scheduleId ?? '';
  if (!id || !/^[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}$/.test(id)) {
    return apiError('VALIDATION_FAILED', NOT_AN_ID, ctx.locals.requestId);
  }
  return handlePolicySave(ctx, id);
};
