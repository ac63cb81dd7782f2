// The one way errors leave the edge: ApiError carries a contract code, onError turns anything into the envelope.

import type { Logger } from '@proctor/contracts';
import { type ErrorCode, type ErrorEnvelope, statusOf } from '@proctor/contracts';
import type { Context, ErrorHandler, NotFoundHandler } from 'hono';
import { z } from 'zod';
import type { AppEnv } from './context.ts';

export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly details: unknown;
  readonly headers: Record<string, string>;
  constructor(code: ErrorCode, message: string, options: { details?: unknown; headers?: Record<string, string> } = {}) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.details = options.details;
    this.headers = options.headers ?? {};
  }
}

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
    {
      details,
    },
  );
}

function envelope(c: Context<AppEnv>, code: ErrorCode, message: string, details?: unknown): ErrorEnvelope {
  return { error: { code, message, requestId: c.get('requestId') ?? 'unknown', ...(details ? { details } : {}) } };
}

export const onError: ErrorHandler<AppEnv> = (err, c) => {
  if (err instanceof ApiError) {
    for (const [name, value] of Object.entries(err.headers)) c.header(name, value);
    const status = statusOf(err.code);
    if (status >= 500) c.get('logger')?.warn('request_unavailable', { code: err.code, message: err.message });
    return c.json(envelope(c, err.code, err.message, err.details), status);
  }
  if (err instanceof z.ZodError) return onError(validationFailed(err, 'request'), c);
  // A bug: log it with its stack, answer with nothing internal.
  c.get('logger')?.error('request_failed', { error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  return c.json(envelope(c, 'INTERNAL', 'internal error'), 500);
};

/** 404 for unknown paths, 405 with Allow for a known path asked with another method. */
export function notFound(allowed: Map<string, string[]>): NotFoundHandler<AppEnv> {
  return (c) => {
    const path = new URL(c.req.url).pathname;
    const methods = allowed.get(path);
    if (methods) {
      c.header('Allow', methods.join(', '));
      return c.json(envelope(c, 'METHOD_NOT_ALLOWED', `${path} accepts ${methods.join(', ')}`), 405);
    }
    return c.json(envelope(c, 'NOT_FOUND', `no route for ${c.req.method} ${path}`), 404);
  };
}
