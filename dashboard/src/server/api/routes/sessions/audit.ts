// GET /api/sessions/:sessionId/audit: who did what to this session's alerts, and when.
import { ApiError, jsonContent } from '@proctor/contracts';
import { AUDIT_PAGE, parseAuditCursor } from '../../../queries/history.ts';
import { loadAudit } from '../../load.ts';
import { apiRoute, dashboardRoute } from '../../route.ts';
import { AuditList, AuditQuery, SessionParams } from '../../schemas.ts';

const route = apiRoute({
  method: 'get',
  path: '/api/sessions/{sessionId}/audit',
  operationId: 'audit',
  summary: `Audit log of proctor actions on this session, newest first, ${AUDIT_PAGE} a page; \`next\` pages back`,
  role: 'proctor',
  errors: ['NOT_FOUND'],
  request: { params: SessionParams, query: AuditQuery },
  responses: { 200: { description: 'One page of the audit', content: jsonContent(AuditList) } },
});

export const audit = dashboardRoute(route, async (c) => {
  const { sessionId } = c.req.valid('param');
  const raw = c.req.valid('query').before;
  const before = raw === undefined ? undefined : parseAuditCursor(raw);
  if (raw !== undefined && !before) {
    throw new ApiError('VALIDATION_FAILED', 'before: must be a `next` value from an earlier page');
  }
  const page = await loadAudit(c.var, sessionId, before);
  if (!page) throw new ApiError('NOT_FOUND', 'no such session in your tenant');
  return c.json({ sessionId, ...page }, 200);
});
