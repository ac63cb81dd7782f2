// Reads a JSON request body under a byte cap: Content-Length is checked first, then bytes are counted as they
// arrive, so neither a lying header nor a chunked body can make the Worker buffer more than the cap.
import { ApiError, type ErrorCode } from '@proctor/contracts';
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../context.ts';

/** What any route that reads a JSON body can answer with. */
export const BODY_ERRORS: ErrorCode[] = [
  'MALFORMED_JSON',
  'VALIDATION_FAILED',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
];

export interface ReadJsonOptions {
  maxBytes: number;
  /** What an empty body means (session start takes one); without it an empty body is malformed. */
  emptyValue?: unknown;
}

export async function readJsonBody(request: Request, options: ReadJsonOptions): Promise<unknown> {
  return (await readJson(request, options)).value;
}

async function readJson(request: Request, options: ReadJsonOptions): Promise<{ bytes: Uint8Array; value: unknown }> {
  const { maxBytes } = options;
  const type = request.headers.get('Content-Type');
  const declared = request.headers.get('Content-Length');
  if (declared !== null && Number(declared) > maxBytes) throw tooLarge(maxBytes);
  const bytes = await readCapped(request.body, maxBytes);
  if (bytes.length === 0 && options.emptyValue !== undefined) return { bytes, value: options.emptyValue };
  if (!type || !/^application\/json\s*(;|$)/i.test(type)) {
    throw new ApiError('UNSUPPORTED_MEDIA_TYPE', 'Content-Type must be application/json');
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new ApiError('MALFORMED_JSON', 'body is not valid UTF-8');
  }
  try {
    return { bytes, value: JSON.parse(text) };
  } catch (err) {
    const detail = err instanceof SyntaxError ? `: ${err.message.slice(0, 120)}` : '';
    throw new ApiError('MALFORMED_JSON', `body is not valid JSON${detail}`);
  }
}

/**
 * A route's body reader, run before the route's validator: the body is read under the cap and parsed once here,
 * with this file's codes (413, 415, MALFORMED_JSON), and the validator (@hono/zod-openapi reads the body through
 * `c.req.json()`) is handed that value. Its media-type gate reads the body again when no Content-Type was sent,
 * which only an empty body (a start body) gets past this reader with: that empty body is cached for it, since the
 * stream itself is spent.
 */
export function jsonBody(options: ReadJsonOptions): MiddlewareHandler<AppEnv> {
  return async function readBody(c, next) {
    const { bytes, value } = await readJson(c.req.raw, options);
    if (bytes.length === 0) c.req.bodyCache.arrayBuffer = new ArrayBuffer(0);
    c.req.json = (() => Promise.resolve(value)) as typeof c.req.json;
    await next();
  };
}

/** The body's bytes, never buffering more than `maxBytes` (413 past it). */
export async function readCapped(body: ReadableStream<Uint8Array> | null, maxBytes: number): Promise<Uint8Array> {
  if (!body) return new Uint8Array(0);
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => {});
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return chunks[0] as Uint8Array;
  const out = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.byteLength;
  }
  return out;
}

const tooLarge = (maxBytes: number) => new ApiError('PAYLOAD_TOO_LARGE', `body exceeds ${maxBytes} bytes`);
