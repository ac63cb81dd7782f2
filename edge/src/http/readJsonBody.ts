// A JSON route's body: capped by hono/body-limit (Content-Length first, then counted bytes, so neither a lying header
// nor a chunked body makes the Worker buffer more than the cap), read once through Hono's request (which keeps it
// for the route's validator) and checked for its type and encoding, each failure with its contract code.
import { ApiError, readCapped as readCappedStream } from '@proctor/contracts';
import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { AppEnv } from '../context.ts';

export interface ReadJsonOptions {
  maxBytes: number;
  /** An empty body is taken as `{}` (session start takes one); without it an empty body is malformed. */
  emptyValue?: Record<string, never>;
}

const tooLarge = (maxBytes: number) => new ApiError('PAYLOAD_TOO_LARGE', `body exceeds ${maxBytes} bytes`);

/**
 * A JSON body's type and encoding, each failure with its contract code. The JSON itself is parsed once, by the
 * route's validator (its syntax error is MALFORMED_JSON through onError, src/errors.ts): parsing here too would
 * parse every batch twice.
 */
function checkJsonBytes(bytes: Uint8Array, contentType: string | undefined): void {
  if (!contentType || !/^application\/json\s*(;|$)/i.test(contentType)) {
    throw new ApiError('UNSUPPORTED_MEDIA_TYPE', 'Content-Type must be application/json');
  }
  // The validator decodes leniently (a bad byte becomes U+FFFD and would pass): the bytes must be UTF-8.
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new ApiError('MALFORMED_JSON', 'body is not valid UTF-8');
  }
}

/**
 * A route's body readers, run before its validator: the cap, then the body read through `c.req.arrayBuffer()` and
 * checked here with this file's codes (413, 415, MALFORMED_JSON for bad UTF-8). Hono keeps what it read, so the
 * validator (which reads through `c.req.json()`) parses those bytes without touching the spent stream. An empty body without a
 * Content-Type is validated as `{}` (emptyValue).
 */
export function jsonBody(options: ReadJsonOptions): MiddlewareHandler<AppEnv>[] {
  const { maxBytes } = options;
  const limit = bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw tooLarge(maxBytes);
    },
  });
  return [
    limit,
    async function readJson(c, next) {
      if (options.emptyValue !== undefined && declaredEmpty(c.req.raw)) {
        // The validator parses the body as JSON only under a JSON type, and '' never parses: an empty start body is
        // handed on as the JSON `{}` it means, whatever type it was sent with.
        const headers = new Headers(c.req.raw.headers);
        headers.set('Content-Type', 'application/json');
        c.req.raw = new Request(c.req.raw, { headers, body: JSON.stringify(options.emptyValue) });
        return next();
      }
      const bytes = new Uint8Array(await c.req.arrayBuffer());
      // A chunked empty body without a type: the validator takes it as `{}` too.
      if (bytes.length === 0 && options.emptyValue !== undefined && !c.req.header('Content-Type')) return next();
      checkJsonBytes(bytes, c.req.header('Content-Type'));
      await next();
    },
  ];
}

/** No body, or one declared as zero bytes long. */
const declaredEmpty = (request: Request) => request.body === null || request.headers.get('Content-Length') === '0';

/** A body stream's bytes under `maxBytes` (413 past it), for a route that takes something other than JSON. */
export const readCapped = (body: ReadableStream<Uint8Array> | null, maxBytes: number) =>
  readCappedStream(body, maxBytes, () => tooLarge(maxBytes));
