// GET /api/sessions/:sessionId/audit: who did what to this session's alerts, and when.
import type { APIRoute } from 'astro';
import { type RouteContracts, SessionParams } from '../../../../server/api/contract.ts';
import { loadAudit } from '../../../../server/api/load.ts';
import { AuditList, AuditQuery } from '../../../../server/api/schemas.ts';
import { apiError, json } from '../../../../server/http/respond.ts';
import { AUDIT_PAGE, parseAuditCursor } from '../../../../server/queries/history.ts';

export const contracts = {
  audit: {
    method: 'get',
    path: '/api/sessions/{sessionId}/audit',
    summary: `Audit log of proctor actions on this session, newest first, ${AUDIT_PAGE} a page; \`next\` pages back`,
    params: SessionParams,
    query: AuditQuery,
    response: AuditList,
  },
} as const satisfies RouteContracts;

export const GET: APIRoute = async ({ locals, params, url }) => {
  const sessionId = params.sessionId ?? '';
  const raw = url.searchParams.get('before');
  const before = raw === null ? undefined : parseAuditCursor(raw);
  if (raw !== null && !before) {
    return apiError('VALIDATION_FAILED', 'before: must be a `next` value from an earlier page', locals.requestId);
  }
  const page = await loadAudit(locals, sessionId, before);
  return page
    ? json({ sessionId, ...page })
    : apiError('NOT_FOUND', 'no such session in your tenant', locals.requestId);
};
