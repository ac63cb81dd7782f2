// GET /api/sessions/:sessionId: one session of your tenant with its alerts and live presence.
import type { APIRoute } from 'astro';
import { loadSessionDetail } from '../../../../server/api/load.ts';
import { apiError, json } from '../../../../server/http/respond.ts';

export const GET: APIRoute = async ({ locals, params }) => {
  const detail = await loadSessionDetail(locals, params.sessionId ?? '');
  return detail ? json(detail) : apiError('NOT_FOUND', 'no such session in your tenant', locals.requestId);
};
