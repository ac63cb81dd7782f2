// The error envelope of what the pages' side answers (the middleware's refusals, sign-out), with the contracts'
// code→status map; the API's answers leave through its own onError (src/server/api/errors.ts).
import { type ErrorCode, errorEnvelope, statusOf } from '@proctor/contracts';

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };

function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { ...JSON_HEADERS, ...headers } });
}

export function apiError(
  code: ErrorCode,
  message: string,
  requestId: string,
  extra: { details?: unknown; headers?: Record<string, string> } = {},
): Response {
  return json(errorEnvelope(code, message, requestId, extra.details), statusOf(code), extra.headers);
}

/** Turns zod issues into a message that says how to fix the request. */
export function describeIssues(issues: { path: PropertyKey[]; message: string }[]): string {
  return issues.map((i) => `${i.path.map(String).join('.') || 'body'}: ${i.message}`).join('; ');
}
