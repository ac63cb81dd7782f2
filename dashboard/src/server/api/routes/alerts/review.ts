// POST /api/alerts/:alertId/review: acknowledge or dismiss an alert with a note, audited in the same transaction.
// Takes JSON (API, the page's script) or the page's form (without JavaScript, answered with a redirect back).
import { ApiError, jsonContent, Sha256Hex } from '@proctor/contracts';
import { publishLiveChanges } from '@proctor/contracts/redis';
import { reviewAlert } from '../../../queries/alerts.ts';
import { apiRoute, dashboardRoute } from '../../route.ts';
import { AlertParams, ReviewBody, ReviewResult } from '../../schemas.ts';

const route = apiRoute({
  method: 'post',
  path: '/api/alerts/{alertId}/review',
  operationId: 'review',
  summary: 'Acknowledge or dismiss an alert with a note; written to the audit log in the same transaction',
  role: 'proctor',
  // A note of at most 2,000 characters and the action.
  bodyLimit: 8 * 1024,
  form: (form) => ({ action: form.get('action'), note: form.get('note') ?? '' }),
  errors: ['NOT_FOUND'],
  request: { params: AlertParams, body: { required: true, content: jsonContent(ReviewBody) } },
  responses: { 200: { description: 'The new status and its audit entry', content: jsonContent(ReviewResult) } },
});

export const review = dashboardRoute(route, async (c) => {
  const { principal, services } = c.var;
  const { alertId } = c.req.valid('param');
  const body = c.req.valid('json');
  if (!Sha256Hex.safeParse(alertId).success) throw new ApiError('NOT_FOUND', 'no such alert in your tenant');
  const outcome = await reviewAlert(services.db, {
    tenantId: principal.tenantId,
    alertId,
    actor: principal.sub,
    action: body.action,
    note: body.note,
  });
  if (!outcome.ok) throw new ApiError('NOT_FOUND', 'no such alert in your tenant');
  // Every proctor watching the schedule sees the new status now, as a processor commit would show it (the live
  // feed re-reads what a change notice names); after the commit, so a notice never runs ahead of its row.
  await publishLiveChanges(services.redis, services.redisPrefix, [
    { tenantId: principal.tenantId, scheduleId: outcome.scheduleId, sessionIds: [], alertIds: [alertId] },
  ]);
  if (c.var.form) return c.redirect(`/sessions/${outcome.audit.sessionId}#alert-${alertId}`, 303);
  const result: ReviewResult = { alertId, status: outcome.status, audit: outcome.audit };
  return c.json(result, 200);
});
