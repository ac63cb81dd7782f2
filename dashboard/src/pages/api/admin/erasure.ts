// POST /api/admin/erasure: erase one candidate's data (admin only). Recorded here, carried out by the processor's
// lifecycle job; the audit keeps a tombstone without the candidate's id. JSON or the audit page's form.
import type { APIRoute } from 'astro';
import { ErasureBody } from '../../../server/api/policySchemas.ts';
import { apiError, describeIssues, json } from '../../../server/http/respond.ts';
import { requestErasure } from '../../../server/policy/policyStore.ts';

export const POST: APIRoute = async ({ locals, request, redirect }) => {
  const { principal, services, requestId } = locals;
  const type = request.headers.get('content-type') ?? '';
  const form = type.startsWith('application/x-www-form-urlencoded') || type.startsWith('multipart/form-data');
  let raw: unknown;
  if (form) raw = { userId: String((await request.formData()).get('userId') ?? '').trim() };
  else {
    try {
      raw = await request.json();
    } catch {
      return apiError('MALFORMED_JSON', 'the body must be JSON: {"userId":"…"}', requestId);
    }
  }
  const body = ErasureBody.safeParse(raw);
  if (!body.success) {
    const message = describeIssues(body.error.issues);
    return form
      ? redirect(`/admin/audit?error=${encodeURIComponent(message)}`, 303)
      : apiError('VALIDATION_FAILED', message, requestId);
  }
  const requestIdNo = await requestErasure(services.db, principal.tenantId, body.data.userId, principal.sub);
  if (form) return redirect(`/admin/audit?erasure=${requestIdNo}`, 303);
  return json(
    { requestId: requestIdNo, status: 'pending', message: 'the lifecycle job erases it within its next pass' },
    202,
  );
};
