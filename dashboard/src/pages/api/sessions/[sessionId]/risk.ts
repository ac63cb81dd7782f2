// GET /api/sessions/:sessionId/risk: the session's risk snapshots over time.
import type { APIRoute } from 'astro';
import { loadRisk } from '../../../../server/api/load.ts';
import { apiError, json } from '../../../../server/http/respond.ts';

export const GET: APIRoute = async ({ locals, params }) => {
  const series = await loadRisk(locals, params.sessionId ?? '');
  return series ? json(series) : apiError('NOT_FOUND', 'no such session in your tenant', locals.requestId);
};
