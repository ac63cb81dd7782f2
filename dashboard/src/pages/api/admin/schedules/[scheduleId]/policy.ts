// GET/POST /api/admin/schedules/:scheduleId/policy: one exam schedule's policy (admin only).
import type { APIRoute } from 'astro';
import { apiError, json } from '../../../../../server/http/respond.ts';
import { loadPolicy } from '../../../../../server/policy/loadPolicy.ts';
import { handlePolicySave } from '../../../../../server/policy/savePolicyRoute.ts';

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
