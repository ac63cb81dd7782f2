// POST /api/sessions/:sessionId/receipt: verifies a candidate's receipt against what the system holds for the
// session (the chain itself, and every event the alerts hold as evidence).
import { Receipt, verifyReceipt } from '@proctor/contracts';
import type { APIRoute } from 'astro';
import { type RouteContracts, SessionParams } from '../../../../server/api/contract.ts';
import { loadSessionDetail } from '../../../../server/api/load.ts';
import { ReceiptResult } from '../../../../server/api/schemas.ts';
import { BODY_LIMITS, readLimitedJson } from '../../../../server/http/bodyLimit.ts';
import { apiError, describeIssues, json } from '../../../../server/http/respond.ts';

export const contracts = {
  receipt: {
    method: 'post',
    path: '/api/sessions/{sessionId}/receipt',
    summary:
      "Verify a candidate's downloaded receipt against what the system holds for the session (the hash chain, and " +
      'every event kept as alert evidence); a changed, dropped or reordered event gives ok: false with the problems',
    params: SessionParams,
    body: Receipt,
    response: ReceiptResult,
  },
} as const satisfies RouteContracts;

export const POST: APIRoute = async ({ locals, params, request }) => {
  const { requestId } = locals;
  const sessionId = params.sessionId ?? '';
  const detail = await loadSessionDetail(locals, sessionId);
  if (!detail) return apiError('NOT_FOUND', 'no such session in your tenant', requestId);
  // Within the receipt's own limit: a receipt lists every event the client sent (src/server/http/bodyLimit.ts).
  const parsed = await readLimitedJson(request, BODY_LIMITS.receipt);
  if (!parsed.ok)
    return apiError('MALFORMED_JSON', 'the body must be the receipt JSON the candidate downloaded', requestId);
  const receipt = Receipt.safeParse(parsed.value);
  if (!receipt.success)
    return apiError('VALIDATION_FAILED', describeIssues(receipt.error.issues), requestId, {
      details: receipt.error.issues,
    });
  const held = detail.alerts.flatMap((a) => a.evidence);
  const result: ReceiptResult = { sessionId, ...(await verifyReceipt(sessionId, receipt.data, held)) };
  return json(result);
};
