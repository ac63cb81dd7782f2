// GET /api/sessions/:sessionId/audit: who did what to this session's alerts, and when.
import type { APIRoute } from 'astro';
import { type RouteContracts, SessionParams } from '../../../../server/api/contract.ts';
import { loadAudit } from '../../../../server/api/load.ts';
import { AuditList } from '../../../../server/api/schemas.ts';
import { apiError, json } from '../../../../server/http/respond.ts';

export const contracts = {
  audit: {
    method: 'get',
    path: '/api/sessions/{sessionId}/audit',
    summary: 'Audit log of proctor actions on this session, newest first',
    params: SessionParams,
    response: AuditList,
  },
} as const satisfies RouteContracts;

export const GET: APIRoute = async ({ locals, params }) => {
  const sessionId = params.sessionId ?? '';
  const entries = await loadAudit(locals, sessionId);
  return entries
    ? json({ sessionId, entries })
    : apiError('NOT_FOUND', 'no such session in your tenant', locals.requestId);
};
