// POST /api/admin/erasure: erase one candidate's data (admin only). Recorded here, carried out by the processor's
// lifecycle job; the audit keeps a tombstone without the candidate's id. JSON or the audit page's form.
import type { APIRoute } from 'astro';
import type { RouteContracts } from '../../../server/api/contract.ts';
import { ErasureBody, ErasureResult } from '../../../server/api/policySchemas.ts';
import { setFlash } from '../../../server/auth/flash.ts';
import { BODY_LIMITS, isFormType, readLimitedForm, readLimitedJson } from '../../../server/http/bodyLimit.ts';
import { apiError, describeIssues, json } from '../../../server/http/respond.ts';
import { requestErasure } from '../../../server/policy/policyStore.ts';

const AUDIT_PAGE = '/admin/audit';

export const contracts = {
  erasure: {
    method: 'post',
    path: '/api/admin/erasure',
    summary:
      'Admin: erase one candidate (sessions, alerts, snapshots, audit entries, Redis keys); 202, done by the lifecycle job',
    body: ErasureBody,
    response: ErasureResult,
    status: 202,
  },
} as const satisfies RouteContracts;

export const POST: APIRoute = async ({ locals, request, redirect }) => {
  const { principal, services, requestId } = locals;
  const type = request.headers.get('content-type') ?? '';
  const form = isFormType(type);
  let raw: unknown;
  if (form) {
    const data = await readLimitedForm(request, BODY_LIMITS.other);
    raw = { userId: String(data?.get('userId') ?? '').trim() };
  } else {
    const parsed = await readLimitedJson(request, BODY_LIMITS.other);
    if (!parsed.ok) return apiError('MALFORMED_JSON', 'the body must be JSON: {"userId":"…"}', requestId);
    raw = parsed.value;
  }
  const flash = (f: Parameters<typeof setFlash>[4]) =>
    setFlash(services.redis, services.redisPrefix, principal.sessionId, AUDIT_PAGE, f);
  const body = ErasureBody.safeParse(raw);
  if (!body.success) {
    const message = describeIssues(body.error.issues);
    if (!form) return apiError('VALIDATION_FAILED', message, requestId);
    await flash({ kind: 'error', message });
    return redirect(AUDIT_PAGE, 303);
  }
  const requestIdNo = await requestErasure(services.db, principal.tenantId, body.data.userId, principal.sub);
  if (form) {
    await flash({ kind: 'erasure', requestId: requestIdNo });
    return redirect(AUDIT_PAGE, 303);
  }
  return json(
    { requestId: requestIdNo, status: 'pending', message: 'the lifecycle job erases it within its next pass' },
    202,
  );
};
