// GET /api/schedules/:scheduleId/sessions: the schedule's sessions ranked by risk, filtered by status and rule.
import { ApiError, jsonContent } from '@proctor/contracts';
import { loadRankedSessions } from '../../load.ts';
import { apiRoute, dashboardRoute } from '../../route.ts';
import { RankedSessionList, ScheduleParams, SessionFilter } from '../../schemas.ts';

const route = apiRoute({
  method: 'get',
  path: '/api/schedules/{scheduleId}/sessions',
  operationId: 'sessions',
  summary: 'Sessions of a schedule, riskiest first (max 200), with presence from live state',
  role: 'proctor',
  errors: ['NOT_FOUND'],
  request: { params: ScheduleParams, query: SessionFilter },
  responses: { 200: { description: 'The ranked sessions', content: jsonContent(RankedSessionList) } },
});

export const sessions = dashboardRoute(route, async (c) => {
  const list = await loadRankedSessions(c.var, c.req.valid('param').scheduleId, c.req.valid('query'));
  if (!list) throw new ApiError('NOT_FOUND', 'no such exam schedule in your tenant');
  return c.json(list, 200);
});
