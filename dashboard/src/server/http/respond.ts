// Every API answer leaves through here: JSON bodies, and the one error envelope with the contracts' code→status map.
import { type ErrorCode, errorEnvelope, statusOf } from '@proctor/contracts';

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
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
