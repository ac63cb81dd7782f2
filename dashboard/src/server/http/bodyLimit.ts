// Request body limits per route: a declared length over the limit is a 413 before anything is read, and a body
// without a length (chunked) is read only up to the limit.
import { ApiError } from '@proctor/contracts';
import { apiError } from './respond.ts';

/** Login carries one token (under 8 KiB) and `next`; a review a note of at most 500 characters. */
export const BODY_LIMITS = {
  login: 16 * 1024,
  review: 8 * 1024,
  logout: 1024,
  other: 16 * 1024,
  /** A policy with a few hundred accommodations. */
  policy: 60 * 1024,
  /**
   * A candidate's receipt: every event the client sent, about 300 B each in canonical JSON, and one check takes at
   * most 5,000 (RECEIPT_MAX_EVENTS); a three-hour exam sends a few hundred. Its JSON.parse is the one step of the
   * check that is not chunked, so this limit is what bounds it. The adapter's backstop (astro.config.mjs) is this size.
   */
  receipt: 2 * 1024 * 1024,
} as const;

export function bodyLimitFor(path: string): number {
  if (path === '/login') return BODY_LIMITS.login;
  if (path === '/logout') return BODY_LIMITS.logout;
  if (/^\/api\/alerts\/[^/]+\/review$/.test(path)) return BODY_LIMITS.review;
  if (/^\/api\/admin\/(schedules\/[^/]+\/)?policy$/.test(path)) return BODY_LIMITS.policy;
  if (/^\/api\/sessions\/[^/]+\/receipt$/.test(path)) return BODY_LIMITS.receipt;
  return BODY_LIMITS.other;
}

/** True when the request says its body is longer than `limit` (or says something that is not a length). */
export function declaredTooLarge(request: Request, limit: number): boolean {
  const length = request.headers.get('content-length');
  if (length === null) return false;
  return !/^\d{1,15}$/.test(length) || Number(length) > limit;
}

/** Reads the body, stopping (and cancelling the upload) as soon as it passes `limit` bytes. */
async function readLimitedBody(request: Request, limit: number): Promise<Uint8Array<ArrayBuffer>> {
  if (declaredTooLarge(request, limit)) throw tooLarge(limit);
  if (!request.body) return new Uint8Array(new ArrayBuffer(0));
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    let chunk: ReadableStreamReadResult<Uint8Array>;
    try {
      chunk = await reader.read();
    } catch (err) {
      // The adapter's own cap (astro.config.mjs) may fire first while undici reads ahead of us.
      if (err instanceof Error && /Body size limit exceeded/.test(err.message)) throw tooLarge(limit);
      throw err;
    }
    const { done, value } = chunk;
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge(limit);
    }
    chunks.push(value);
  }
  return new Uint8Array(Buffer.concat(chunks));
}

/** A JSON body read within `limit`: its value, or `{ ok: false }` when it is not JSON (too large still throws). */
export async function readLimitedJson(
  request: Request,
  limit: number,
): Promise<{ ok: true; value: unknown } | { ok: false }> {
  const bytes = await readLimitedBody(request, limit);
  try {
    return { ok: true, value: JSON.parse(new TextDecoder().decode(bytes)) };
  } catch (err) {
    if (!(err instanceof SyntaxError)) throw err;
    return { ok: false };
  }
}

/** The content types of a form body, as the dashboard's own forms post them. */
export const isFormType = (type: string) =>
  type.startsWith('application/x-www-form-urlencoded') || type.startsWith('multipart/form-data');

/** A form body (urlencoded or multipart) read within `limit`; null when it does not parse as one. */
export async function readLimitedForm(request: Request, limit: number): Promise<FormData | null> {
  const bytes = await readLimitedBody(request, limit);
  const type = request.headers.get('content-type') ?? '';
  try {
    return await new Response(bytes, { headers: { 'content-type': type } }).formData();
  } catch {
    return null;
  }
}

/** A body a route takes as a form or as JSON: the form (null when it does not parse), the JSON, or the error to answer. */
export type FormOrJson = { form: FormData | null } | { json: unknown } | { error: Response };

/** Reads a form or JSON body within `limit`; any other content type is 415, JSON that does not parse 400. */
export async function readFormOrJson(
  request: Request,
  limit: number,
  requestId: string,
  messages: { malformed: string; unsupported: string },
): Promise<FormOrJson> {
  const type = request.headers.get('content-type') ?? '';
  // Read within the limit: a body without a Content-Length stops there too (the middleware checked the length).
  if (isFormType(type)) return { form: await readLimitedForm(request, limit) };
  if (!type.startsWith('application/json')) {
    return { error: apiError('UNSUPPORTED_MEDIA_TYPE', messages.unsupported, requestId) };
  }
  const parsed = await readLimitedJson(request, limit);
  return parsed.ok ? { json: parsed.value } : { error: apiError('MALFORMED_JSON', messages.malformed, requestId) };
}

function tooLarge(limit: number): ApiError {
  return new ApiError('PAYLOAD_TOO_LARGE', `the request body must be at most ${limit} bytes`);
}
