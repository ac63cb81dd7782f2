// GET /api/schedules/:scheduleId/sessions: the schedule's sessions ranked by risk, filtered by status and rule.
import type { APIRoute } from 'astro';
import { loadRankedSessions } from '../../../../server/api/load.ts';
import { parseFilter } from '../../../../server/api/params.ts';
import { apiError, json } from '../../../../server/http/respond.ts';

export const GET: APIRoute = async ({ locals, params, url }) => {
  const filter = parseFilter(url);
  if (!filter.ok) return apiError('VALIDATION_FAILED', filter.message, locals.requestId);
  const list = await loadRankedSessions(locals, params.scheduleId ?? '', filter.value);
  if (!list) return apiError('NOT_FOUND', 'no such exam schedule in your tenant', locals.requestId);
  return json(list);
};
