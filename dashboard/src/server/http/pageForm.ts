// A form posted to a page (sign-in), read within the page's limit: the middleware refuses a declared length over it,
// and a body without one (chunked) is read only up to it. API routes use hono/body-limit instead.
import { ApiError, readCapped } from '@proctor/contracts';

/** What a page's POST may carry: sign-in takes one token (under 8 KiB) and `next`. */
export const PAGE_BODY_LIMIT = 16 * 1024;

/** The form (urlencoded or multipart), null when it does not parse as one; past the limit a PAYLOAD_TOO_LARGE. */
export async function readPageForm(request: Request): Promise<FormData | null> {
  const bytes = await readCapped(
    request.body,
    PAGE_BODY_LIMIT,
    () => new ApiError('PAYLOAD_TOO_LARGE', `the request body must be at most ${PAGE_BODY_LIMIT} bytes`),
  );
  const type = request.headers.get('content-type') ?? '';
  try {
    return await new Response(bytes, { headers: { 'content-type': type } }).formData();
  } catch {
    return null;
  }
}

/** True when the request says its body is longer than `limit` (or says something that is not a length). */
export function declaredTooLarge(request: Request, limit: number): boolean {
  const length = request.headers.get('content-length');
  if (length === null) return false;
  return !/^\d{1,15}$/.test(length) || Number(length) > limit;
}
