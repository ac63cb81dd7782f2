// GET /api/sessions/:sessionId/risk: the session's risk snapshots over time.
import { ApiError, jsonContent } from '@proctor/contracts';
import { loadRisk } from '../../load.ts';
import { apiRoute, dashboardRoute } from '../../route.ts';
import { RiskSeries, SessionParams } from '../../schemas.ts';

const route = apiRoute({
  method: 'get',
  path: '/api/sessions/{sessionId}/risk',
  operationId: 'risk',
  summary: 'Risk score over time (snapshots with their per-rule contributions)',
  role: 'proctor',
  errors: ['NOT_FOUND'],
  request: { params: SessionParams },
  responses: { 200: { description: 'The risk series', content: jsonContent(RiskSeries) } },
});

export const risk = dashboardRoute(route, async (c) => {
  const series = await loadRisk(c.var, c.req.valid('param').sessionId);
  if (!series) throw new ApiError('NOT_FOUND', 'no such session in your tenant');
  return c.json(series, 200);
});
