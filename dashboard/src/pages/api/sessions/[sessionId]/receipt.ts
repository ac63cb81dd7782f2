// POST /api/sessions/:sessionId/receipt: verifies a candidate's receipt against what the system holds for the
// session (the chain itself, and every event the alerts hold as evidence).
import { Receipt, verifyReceipt } from '@proctor/contracts';
import type { APIRoute } from 'astro';
import { loadSessionDetail } from '../../../../server/api/load.ts';
import { apiError, describeIssues, json } from '../../../../server/http/respond.ts';

export const POST: APIRoute = async ({ locals, params, request }) => {
  const { requestId } = locals;
  const sessionId = params.sessionId ?? '';
  const detail = await loadSessionDetail(locals, sessionId);
  if (!detail) return apiError('NOT_FOUND', 'no such session in your tenant', requestId);
  let raw: unknown;
  try {
    raw = await request.json();
  } catch {
    return apiError('MALFORMED_JSON', 'the body must be the receipt JSON the candidate downloaded', requestId);
  }
  const receipt = Receipt.safeParse(raw);
  if (!receipt.success)
    return apiError('VALIDATION_FAILED', describeIssues(receipt.error.issues), requestId, {
      details: receipt.error.issues,
    });
  const held = detail.alerts.flatMap((a) => a.evidence);
  return json({ sessionId, ...(await verifyReceipt(sessionId, receipt.data, held)) });
};
