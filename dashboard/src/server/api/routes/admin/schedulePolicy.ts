// GET /api/admin/schedules/:scheduleId/policy: one exam schedule's policy (admin only).
import { ApiError, jsonContent } from '@proctor/contracts';
import { loadPolicy } from '../../../policy/loadPolicy.ts';
import { PolicyView, SchedulePolicyParams } from '../../policySchemas.ts';
import { apiRoute, dashboardRoute } from '../../route.ts';

const route = apiRoute({
  method: 'get',
  path: '/api/admin/schedules/{scheduleId}/policy',
  operationId: 'schedulePolicy',
  summary: 'Admin: one exam schedule’s policy (fields left out inherit from the tenant policy)',
  role: 'admin',
  errors: [],
  request: { params: SchedulePolicyParams },
  responses: { 200: { description: 'The schedule policy', content: jsonContent(PolicyView) } },
});

export const schedulePolicy = dashboardRoute(route, async (c) => {
  const view = await loadPolicy(c.var, c.req.valid('param').scheduleId);
  // The route's schema already refused what is not a schedule id, the one case loadPolicy answers null for.
  if (!view) throw new ApiError('VALIDATION_FAILED', 'a schedule id is 1–128 letters, digits and . _ : @ -');
  return c.json(view, 200);
});
