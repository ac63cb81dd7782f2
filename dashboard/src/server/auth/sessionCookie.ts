// The session cookie: it names a server-side session (auth/loginSessions.ts) and carries an HMAC of that name, so a
// cookie cannot be made up and rotating COOKIE_SECRET ends every session. It is set and deleted with one attribute set.
import { createHmac, timingSafeEqual } from 'node:crypto';

/** `__Host-` pins the cookie to this origin: Secure, Path=/ and no Domain are required by the browser. */
export const SESSION_COOKIE = '__Host-proctor_session';

/**
 * The attributes the cookie is set with, and deleted with: a browser ignores a deletion of a `__Host-` cookie that
 * lacks Secure or Path=/, so a bad cookie would otherwise never go away.
 */
export const SESSION_COOKIE_ATTRIBUTES = {
  httpOnly: true,
  secure: true,
  // Lax, not Strict: the platform launches us cross-site, and the page after the login redirect must carry the
  // cookie. Cross-site writes are refused by the middleware's origin check (login itself sets, never reads, it).
  sameSite: 'lax' as const,
  path: '/',
};

function mac(value: string, secret: string): string {
  return createHmac('sha256', secret).update(`proctor.dashboard.session.v2:${value}`).digest('base64url');
}

export function sealSession(value: string, secret: string): string {
  return `${value}~${mac(value, secret)}`;
}

/** The value inside a cookie, or null when the cookie was not made by sealSession with this secret. */
export function unsealSession(cookie: string | undefined, secret: string): string | null {
  if (!cookie) return null;
  const at = cookie.lastIndexOf('~');
  if (at <= 0) return null;
  const value = cookie.slice(0, at);
  const given = Buffer.from(cookie.slice(at + 1));
  const expected = Buffer.from(mac(value, secret));
  return given.length === expected.length && timingSafeEqual(given, expected) ? value : null;
}

/** Attributes of a new session cookie; it never outlives the token (maxAge from exp). */
export function sessionCookieOptions(expSeconds: number, nowMs = Date.now()) {
  return { ...SESSION_COOKIE_ATTRIBUTES, maxAge: Math.max(0, Math.floor(expSeconds - nowMs / 1000)) };
}

/** Anything with Astro's cookies.delete: deletes the session cookie with the attributes it was set with. */
export function clearSessionCookie(cookies: { delete(name: string, options: typeof SESSION_COOKIE_ATTRIBUTES): void }) {
  cookies.delete(SESSION_COOKIE, SESSION_COOKIE_ATTRIBUTES);
}
