// The session cookie: the verified platform token plus an HMAC, so the cookie cannot be forged or swapped and
// every request still re-verifies the token's signature, issuer, audience and expiry with the shared verifier.
import { createHmac, timingSafeEqual } from 'node:crypto';

/** `__Host-` pins the cookie to this origin: Secure, Path=/ and no Domain are required by the browser. */
export const SESSION_COOKIE = '__Host-proctor_session';

function mac(token: string, secret: string): string {
  return createHmac('sha256', secret).update(`proctor.dashboard.session.v1:${token}`).digest('base64url');
}

export function sealSession(token: string, secret: string): string {
  return `${token}~${mac(token, secret)}`;
}

/** The token inside a cookie value, or null when the value was not made by sealSession with this secret. */
export function unsealSession(value: string | undefined, secret: string): string | null {
  if (!value) return null;
  const at = value.lastIndexOf('~');
  if (at <= 0) return null;
  const token = value.slice(0, at);
  const given = Buffer.from(value.slice(at + 1));
  const expected = Buffer.from(mac(token, secret));
  return given.length === expected.length && timingSafeEqual(given, expected) ? token : null;
}

/** Cookie attributes; the cookie never outlives the token (maxAge from exp). */
export function sessionCookieOptions(expSeconds: number, nowMs = Date.now()) {
  return {
    httpOnly: true,
    secure: true,
    // Lax, not Strict: the platform launches us with a cross-site link, and the redirect after login must carry it.
    // Cross-site cookie writes are refused by the middleware's own origin check (Astro's checkOrigin is off).
    sameSite: 'lax' as const,
    path: '/',
    maxAge: Math.max(0, Math.floor(expSeconds - nowMs / 1000)),
  };
}
