// GET /api/sessions/:sessionId: one session of your tenant with its alerts and live presence.
import { ApiError, jsonContent } from '@proctor/contracts';
import { loadSessionDetail } from '../../load.ts';
import { apiRoute, dashboardRoute } from '../../route.ts';
import { SessionDetail, SessionParams } from '../../schemas.ts';

const route = apiRoute({
  method: 'get',
  path: '/api/sessions/{sessionId}',
  operationId: 'session',
  summary: 'One session with all its alerts (rule, window, evidence events, confidence, explanation)',
  role: 'proctor',
  errors: ['NOT_FOUND'],
  request: { params: SessionParams },
  responses: { 200: { description: 'The session', content: jsonContent(SessionDetail) } },
});

export const session = dashboardRoute(route, async (c) => {
  const detail = await loadSessionDetail(c.var, c.req.valid('param').sessionId);
  if (!detail) throw new ApiError('NOT_FOUND', 'no such session in your tenant');
  return c.json(detail, 200);
});
