// POST /api/alerts/:alertId/review: acknowledge or dismiss an alert with a note, audited in the same transaction.
// Takes JSON (API, the page's script) or a form post (the page without JavaScript, answered with a redirect back).
import { Sha256Hex } from '@proctor/contracts';
import { publishLiveChanges } from '@proctor/contracts/redis';
import type { APIRoute } from 'astro';
import { AlertParams, type RouteContracts } from '../../../../server/api/contract.ts';
import { ReviewBody, ReviewResult } from '../../../../server/api/schemas.ts';
import { BODY_LIMITS, readFormOrJson } from '../../../../server/http/bodyLimit.ts';
import { apiError, describeIssues, json } from '../../../../server/http/respond.ts';
import { reviewAlert } from '../../../../server/queries/alerts.ts';

export const contracts = {
  review: {
    method: 'post',
    path: '/api/alerts/{alertId}/review',
    summary: 'Acknowledge or dismiss an alert with a note; written to the audit log in the same transaction',
    params: AlertParams,
    body: ReviewBody,
    response: ReviewResult,
  },
} as const satisfies RouteContracts;

export const POST: APIRoute = async ({ locals, params, request, redirect }) => {
  const { principal, services, requestId } = locals;
  const alertId = params.alertId ?? '';
  const read = await readFormOrJson(request, BODY_LIMITS.review, requestId, {
    malformed: 'the body must be JSON such as {"action":"acknowledge","note":"…"}',
    unsupported: 'send application/json: {"action":"acknowledge"|"dismiss","note":"…"}',
  });
  if ('error' in read) return read.error;
  const isForm = 'form' in read;
  const raw = 'form' in read ? { action: read.form?.get('action'), note: read.form?.get('note') ?? '' } : read.json;

  // Check the id before the body, so another tenant's id is a 404 whatever the body says.
  if (!Sha256Hex.safeParse(alertId).success) return apiError('NOT_FOUND', 'no such alert in your tenant', requestId);
  const body = ReviewBody.safeParse(raw);
  if (!body.success) {
    return apiError('VALIDATION_FAILED', describeIssues(body.error.issues), requestId, { details: body.error.issues });
  }
  const outcome = await reviewAlert(services.db, {
    tenantId: principal.tenantId,
    alertId,
    actor: principal.sub,
    action: body.data.action,
    note: body.data.note,
  });
  if (!outcome.ok) return apiError('NOT_FOUND', 'no such alert in your tenant', requestId);
  // Every proctor watching the schedule sees the new status now, as a processor commit would show it (the live
  // feed re-reads what a change notice names); after the commit, so a notice never runs ahead of its row.
  await publishLiveChanges(services.redis, services.redisPrefix, [
    { tenantId: principal.tenantId, scheduleId: outcome.scheduleId, sessionIds: [], alertIds: [alertId] },
  ]);
  if (isForm) return redirect(`/sessions/${outcome.audit.sessionId}#alert-${alertId}`, 303);
  const result: ReviewResult = { alertId, status: outcome.status, audit: outcome.audit };
  return json(result);
};
