// GET /api/schedules/:scheduleId/sessions: the schedule's sessions ranked by risk, filtered by status and rule.
import type { APIRoute } from 'astro';
import { type RouteContracts, ScheduleParams } from '../../../../server/api/contract.ts';
import { loadRankedSessions } from '../../../../server/api/load.ts';
import { parseFilter } from '../../../../server/api/params.ts';
import { RankedSessionList, SessionFilter } from '../../../../server/api/schemas.ts';
import { apiError, json } from '../../../../server/http/respond.ts';

export const contracts = {
  sessions: {
    method: 'get',
    path: '/api/schedules/{scheduleId}/sessions',
    summary: 'Sessions of a schedule, riskiest first (max 200), with presence from live state',
    params: ScheduleParams,
    query: SessionFilter,
    response: RankedSessionList,
  },
} as const satisfies RouteContracts;

export const GET: APIRoute = async ({ locals, params, url }) => {
  const filter = parseFilter(url);
  if (!filter.ok) return apiError('VALIDATION_FAILED', filter.message, locals.requestId);
  const list = await loadRankedSessions(locals, params.scheduleId ?? '', filter.value);
  if (!list) return apiError('NOT_FOUND', 'no such exam schedule in your tenant', locals.requestId);
  return json(list);
};
