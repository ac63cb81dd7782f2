// Questions the middleware and the sign-in routes ask of a request or an error.

/**
 * A cookie-authenticated write must come from our own origin (CSRF); bearer-token API calls carry no ambient auth.
 * Browsers send Origin on every POST; without one, Sec-Fetch-Site must say same-origin.
 */
export function sameOrigin(request: Request, url: URL): boolean {
  const origin = request.headers.get('origin');
  // Under our Referrer-Policy no-referrer a browser sends `Origin: null` on a plain form post; Sec-Fetch-Site decides.
  if (origin && origin !== 'null') return origin === url.origin;
  return request.headers.get('sec-fetch-site') === 'same-origin';
}

/**
 * A sign-in POST must come from this site or an exam platform (PLATFORM_ORIGINS): from anywhere else it is login CSRF,
 * a third-party page signing the victim's browser into the sender's account. A browser sends Origin on every POST;
 * `Origin: null` (our own form under no-referrer, a sandboxed frame, a redirect) passes only with Sec-Fetch-Site:
 * same-origin. Referer is not consulted: our own pages send none (no-referrer), and a POST with neither header is
 * not a browser, which is the only thing login CSRF can ride on; such a client sends `Origin` like a browser does.
 */
export function signInOriginAllowed(request: Request, url: URL, platformOrigins: readonly string[]): boolean {
  return sameOrigin(request, url) || platformOrigins.includes(request.headers.get('origin') ?? '');
}

const UNAVAILABLE_CODES = [
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'PROTOCOL_CONNECTION_LOST',
  'ER_CON_COUNT_ERROR',
];
/** ioredis' messages when Redis cannot be reached (it gives them no code). */
const REDIS_UNAVAILABLE =
  /Connection is closed|Stream isn't writeable|Reached the max retries|Command timed out|Too many Cluster redirections|Failed to refresh slots cache|Cluster isn't ready|None of startup nodes is available/;

/** A dependency that cannot be reached is a 503 (retry later), not a bug in the request or in us. */
export function isUnavailable(err: unknown): boolean {
  const e = err as { code?: unknown; name?: unknown; message?: unknown } | null;
  if (typeof e?.code === 'string' && UNAVAILABLE_CODES.includes(e.code)) return true;
  if (e?.name === 'MaxRetriesPerRequestError') return true;
  return typeof e?.message === 'string' && REDIS_UNAVAILABLE.test(e.message);
}
