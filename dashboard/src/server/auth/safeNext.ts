// Where to go after sign-in: only a path on this site. Anything else, or anything odd, goes to `/`.

/** Control characters (tab, CR, LF, ...) and backslashes: browsers drop or rewrite them, so they can hide a host. */
const isSuspicious = (s: string) => s.includes('\\') || [...s].some((ch) => ch.charCodeAt(0) < 0x20 || ch === '\u007F');
const BASE = 'https://dashboard.invalid';

/**
 * A same-origin path for the redirect after login, or `/`. Checked as given and after percent-decoding (a few
 * rounds, so `%252F` is seen too): it must start with one `/`, never `//`, and hold no control character or
 * backslash at any stage. The result is the URL parser's re-encoded form, so the Location header is plain ASCII.
 */
export function safeNext(value: unknown): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 2048) return '/';
  let current = value;
  for (let round = 0; round < 4; round++) {
    if (isSuspicious(current) || !current.startsWith('/') || current.startsWith('//')) return '/';
    let decoded: string;
    try {
      decoded = decodeURIComponent(current);
    } catch {
      return '/';
    }
    if (decoded === current) break;
    current = decoded;
  }
  const url = new URL(value, BASE);
  if (url.origin !== BASE) return '/';
  const path = `${url.pathname}${url.search}${url.hash}`;
  return path.startsWith('/') && !path.startsWith('//') ? path : '/';
}
