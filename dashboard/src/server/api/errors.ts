// The one way errors leave the dashboard's API: ApiError (contracts) carries a contract code, onError turns anything
// into the envelope, logging what is not an expected refusal.
import { ApiError, type ErrorCode, errorContext, errorEnvelope, statusOf } from '@proctor/contracts';
import type { Context, ErrorHandler, NotFoundHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { z } from 'zod';
import { isUnavailable } from '../http/requestChecks.ts';
import { describeIssues } from '../http/respond.ts';
import { log } from '../log.ts';
import type { DashboardEnv } from './context.ts';

/** A failed schema as a message that says how to fix the request, the issues as details. */
export function validationFailed(error: z.ZodError): ApiError {
  return new ApiError('VALIDATION_FAILED', describeIssues(error.issues), { details: error.issues });
}

const answer = (c: Context<DashboardEnv>, code: ErrorCode, message: string, details?: unknown) =>
  c.json(errorEnvelope(code, message, c.var.requestId ?? 'unknown', details), statusOf(code));

export const onError: ErrorHandler<DashboardEnv> = (err, c) => {
  if (err instanceof ApiError) {
    for (const [name, value] of Object.entries(err.headers)) c.header(name, value);
    return answer(c, err.code, err.message, err.details);
  }
  // The route layer's own refusals (@hono/zod-openapi's media-type gate, hono's JSON validator).
  if (err instanceof HTTPException && err.status === 415) {
    return answer(c, 'UNSUPPORTED_MEDIA_TYPE', 'send application/json (or the page’s form)');
  }
  if (err instanceof HTTPException && err.status === 400)
    return answer(c, 'MALFORMED_JSON', 'the body is not valid JSON');
  // The Node adapter's backstop (astro.config.mjs), should it fire before a route's own limit.
  if (err instanceof Error && /Body size limit exceeded/.test(err.message)) {
    return answer(c, 'PAYLOAD_TOO_LARGE', 'the request body is too large');
  }
  log.error('dashboard_request_failed', { requestId: c.var.requestId, path: c.req.path, ...errorContext(err) });
  if (isUnavailable(err)) return answer(c, 'SERVICE_UNAVAILABLE', 'a dependency is unavailable; try again shortly');
  return answer(c, 'INTERNAL', 'the dashboard could not answer; try again shortly');
};

export const notFound: NotFoundHandler<DashboardEnv> = (c) =>
  answer(c, 'NOT_FOUND', `no route for ${c.req.method} ${c.req.path}`);
