// POST /api/sessions/:sessionId/receipt: verifies a candidate's receipt against what the system holds for the
// session (the chain itself, and every event the alerts hold as evidence).
import { Receipt } from '@proctor/contracts';
import type { APIRoute } from 'astro';
import { type RouteContracts, SessionParams } from '../../../../server/api/contract.ts';
import { loadSessionDetail } from '../../../../server/api/load.ts';
import { ReceiptResult } from '../../../../server/api/schemas.ts';
import { BODY_LIMITS, readLimitedJson } from '../../../../server/http/bodyLimit.ts';
import { apiError, json } from '../../../../server/http/respond.ts';
import {
  parseReceipt,
  RECEIPT_CHECKS_PER_MINUTE,
  RECEIPT_MAX_EVENTS,
  verifyInChunks,
} from '../../../../server/receipt/boundedReceipt.ts';
import { consume } from '../../../../server/redis/rateLimit.ts';

export const contracts = {
  receipt: {
    method: 'post',
    path: '/api/sessions/{sessionId}/receipt',
    summary:
      "Verify a candidate's downloaded receipt against what the system holds for the session (the hash chain, and " +
      'every event kept as alert evidence); a changed, dropped or reordered event gives ok: false with the problems. ' +
      `At most ${RECEIPT_MAX_EVENTS} events (413 RECEIPT_TOO_MANY_EVENTS) and ${RECEIPT_CHECKS_PER_MINUTE} checks a ` +
      'minute per proctor (429 RATE_LIMITED)',
    params: SessionParams,
    body: Receipt,
    response: ReceiptResult,
  },
} as const satisfies RouteContracts;

const PER_PROCTOR = { name: 'receipt', limit: RECEIPT_CHECKS_PER_MINUTE, windowMs: 60_000 };

export const POST: APIRoute = async ({ locals, params, request }) => {
  const { requestId, principal, services } = locals;
  const sessionId = params.sessionId ?? '';
  const budget = await consume(
    services.redis,
    services.redisPrefix,
    PER_PROCTOR,
    `${principal.tenantId}\u0000${principal.sub}`,
  );
  if (!budget.ok) {
    return apiError('RATE_LIMITED', `too many receipt checks; try again in ${budget.retryAfterSeconds} s`, requestId, {
      headers: { 'retry-after': String(budget.retryAfterSeconds) },
    });
  }
  const detail = await loadSessionDetail(locals, sessionId);
  if (!detail) return apiError('NOT_FOUND', 'no such session in your tenant', requestId);
  // Within the receipt's own limit: a receipt lists every event the client sent (src/server/http/bodyLimit.ts).
  const parsed = await readLimitedJson(request, BODY_LIMITS.receipt);
  if (!parsed.ok)
    return apiError('MALFORMED_JSON', 'the body must be the receipt JSON the candidate downloaded', requestId);
  const receipt = await parseReceipt(parsed.value);
  if (!receipt.ok) return apiError(receipt.code, receipt.message, requestId, { details: receipt.issues });
  const held = detail.alerts.flatMap((a) => a.evidence);
  const result: ReceiptResult = { sessionId, ...(await verifyInChunks(sessionId, receipt.receipt, held)) };
  return json(result);
};
