// GET /api/sessions/:sessionId/audit: who did what to this session's alerts, and when.
import type { APIRoute } from 'astro';
import { loadAudit } from '../../../../server/api/load.ts';
import { apiError, json } from '../../../../server/http/respond.ts';

export const GET: APIRoute = async ({ locals, params }) => {
  const sessionId = params.sessionId ?? '';
  const entries = await loadAudit(locals, sessionId);
  return entries
    ? json({ sessionId, entries })
    : apiError('NOT_FOUND', 'no such session in your tenant', locals.requestId);
};
