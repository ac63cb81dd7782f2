// Who is asking: a server-side session (browsers) or a verified bearer token (API clients), reduced to what routes
// need. The tenant comes only from here. Role checks (admin vs proctor) read `role`.
import type { ProctorRole, ProctorTokenClaims } from '@proctor/contracts';
import { headerSafe, type TokenFailure, type TokenResult } from '@proctor/contracts/auth';
import type { RedisClient } from '@proctor/contracts/redis';
import { env } from '../env.ts';
import { type LoginSession, readSession } from './loginSessions.ts';
import { SESSION_COOKIE, unsealSession } from './sessionCookie.ts';
import { proctorVerifier } from './verifier.ts';

export interface Principal {
  tenantId: string;
  sub: string;
  role: ProctorRole;
  name: string | undefined;
  /** Token expiry, epoch seconds. */
  exp: number;
  /** How the request authenticated: a browser cookie needs an origin check on writes, a bearer header does not. */
  via: 'cookie' | 'bearer';
  /** The server-side session a cookie named (undefined for bearer tokens): streams end when it does. */
  sessionId?: string | undefined;
}

function toPrincipal(
  claims: Pick<ProctorTokenClaims, 'tenant_id' | 'sub' | 'role' | 'name' | 'exp'>,
  via: Principal['via'],
): Principal {
  return { tenantId: claims.tenant_id, sub: claims.sub, role: claims.role, name: claims.name, exp: claims.exp, via };
}

function fromSession(s: LoginSession, sessionId: string): Principal {
  return { tenantId: s.tenantId, sub: s.sub, role: s.role, name: s.name, exp: s.exp, via: 'cookie', sessionId };
}

/** Verifies a raw compact token, e.g. one handed over by the platform at login. */
export function verifyRawToken(token: string): Promise<TokenResult<ProctorTokenClaims>> {
  return proctorVerifier()(`Bearer ${token}`);
}

const REALM = 'proctor-dashboard';

function refused(code: TokenFailure['code'], message: string): TokenFailure {
  const wwwAuthenticate =
    code === 'UNAUTHENTICATED'
      ? `Bearer realm="${REALM}"`
      : `Bearer realm="${REALM}", error="invalid_token", error_description="${headerSafe(message)}"`;
  return { ok: false, code, message, wwwAuthenticate };
}

export type AuthResult = { ok: true; principal: Principal } | TokenFailure;

/**
 * An `Authorization: Bearer` header (API clients) wins over the session cookie (browsers). A cookie whose HMAC
 * fails, or whose session ended (logout, expiry), is refused; the middleware then deletes it.
 */
export async function authenticate(
  request: Request,
  cookieValue: string | undefined,
  redis: RedisClient,
  prefix: string,
): Promise<AuthResult> {
  const header = request.headers.get('authorization');
  if (header) {
    const result = await proctorVerifier()(header);
    return result.ok ? { ok: true, principal: toPrincipal(result.claims, 'bearer') } : result;
  }
  if (!cookieValue) return refused('UNAUTHENTICATED', 'sign in, or send Authorization: Bearer <token>');
  const sessionId = unsealSession(cookieValue, env().COOKIE_SECRET);
  const session = sessionId ? await readSession(redis, prefix, sessionId) : null;
  if (!sessionId || !session) return refused('TOKEN_INVALID', 'the session has ended; sign in again');
  if (session.exp * 1000 <= Date.now()) return refused('TOKEN_EXPIRED', 'the session has expired; sign in again');
  return { ok: true, principal: fromSession(session, sessionId) };
}

export { SESSION_COOKIE };
