// The one way errors leave the edge: ApiError (contracts) carries a contract code, onError turns anything into the
// envelope.
import { ApiError, type ErrorCode, errorEnvelope, type Logger, statusOf } from '@proctor/contracts';
import type { Context, ErrorHandler, NotFoundHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { z } from 'zod';
import type { AppEnv } from './context.ts';

/** 503 with a Retry-After the client's queue honours: the request did nothing durable and may be repeated. */
export function unavailable(what: string, retryAfterSeconds = 2): ApiError {
  return new ApiError('SERVICE_UNAVAILABLE', `${what} is unavailable; retry later`, {
    headers: { 'Retry-After': String(retryAfterSeconds) },
  });
}

/** Runs a session-store (Redis) call; a failure is logged and becomes a 503 the client may retry. */
export function fromStore<T>(logger: Logger, op: string, work: Promise<T>): Promise<T> {
  return work.catch((err: unknown) => {
    logger.warn('redis_failed', { op, error: String(err) });
    throw unavailable('session store');
  });
}

/** Validation issues as "path: message" pairs, which say what to fix without echoing the input. */
export function validationFailed(error: z.ZodError, what: string): ApiError {
  const details = error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
  const first = details[0];
  return new ApiError(
    'VALIDATION_FAILED',
    `${what}: ${first ? `${first.path || '(root)'}: ${first.message}` : 'invalid'}`,
    { details },
  );
}

const envelope = (c: Context<AppEnv>, code: ErrorCode, message: string, details?: unknown) =>
  errorEnvelope(code, message, c.get('requestId') ?? 'unknown', details);

export const onError: ErrorHandler<AppEnv> = (err, c) => {
  if (err instanceof ApiError) {
    for (const [name, value] of Object.entries(err.headers)) c.header(name, value);
    const status = statusOf(err.code);
    if (status >= 500) c.get('logger')?.warn('request_unavailable', { code: err.code, message: err.message });
    return c.json(envelope(c, err.code, err.message, err.details), status);
  }
  if (err instanceof z.ZodError) return onError(validationFailed(err, 'request'), c);
  // The route layer's media-type gate (@hono/zod-openapi) refuses a Content-Type its JSON pattern does not match.
  if (err instanceof HTTPException && err.status === 415) {
    return onError(new ApiError('UNSUPPORTED_MEDIA_TYPE', 'Content-Type must be application/json'), c);
  }
  // Its JSON validator refuses a body that does not parse (the one parse of it: src/http/readJsonBody.ts).
  if (err instanceof HTTPException && err.status === 400) {
    return onError(new ApiError('MALFORMED_JSON', 'body is not valid JSON'), c);
  }
  // A bug: log it with its stack, answer with nothing internal.
  c.get('logger')?.error('request_failed', { error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  return c.json(envelope(c, 'INTERNAL', 'internal error'), 500);
};

/** 404 for unknown paths; a known path asked with another method is a 405 (hono/method-not-allowed, app.ts). */
export const notFound: NotFoundHandler<AppEnv> = (c) =>
  c.json(envelope(c, 'NOT_FOUND', `no route for ${c.req.method} ${new URL(c.req.url).pathname}`), 404);

/** The 405 for a known path asked with another method, with the methods it takes in Allow. */
export function methodNotAllowedError(path: string, methods: string[]): ApiError {
  return new ApiError('METHOD_NOT_ALLOWED', `${path} accepts ${methods.join(', ')}`, {
    headers: { Allow: methods.join(', ') },
  });
}
