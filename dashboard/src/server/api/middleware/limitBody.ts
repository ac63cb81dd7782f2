// A route's body limit (hono/body-limit): a declared length over it is a 413 before anything is read, and a body
// without one (chunked) is read only up to it.
import { ApiError } from '@proctor/contracts';
import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { DashboardEnv } from '../context.ts';

/** The limit of a route that declares none: a review, an erasure, a small JSON body. */
export const DEFAULT_BODY_LIMIT = 16 * 1024;

export function limitBody(maxBytes: number): MiddlewareHandler<DashboardEnv> {
  return bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw new ApiError('PAYLOAD_TOO_LARGE', `the request body must be at most ${maxBytes} bytes`);
    },
  });
}
