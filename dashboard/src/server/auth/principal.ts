// Who is asking: the verified proctor token, reduced to what routes need. The tenant comes only from here.
import type { ProctorRole, ProctorTokenClaims } from '@proctor/contracts';
import type { TokenResult } from '@proctor/contracts/auth';
import { env } from '../env.ts';
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
}

export function toPrincipal(claims: ProctorTokenClaims, via: Principal['via']): Principal {
  return { tenantId: claims.tenant_id, sub: claims.sub, role: claims.role, name: claims.name, exp: claims.exp, via };
}

/** Verifies a raw compact token, e.g. one handed over by the platform at login. */
export function verifyRawToken(token: string): Promise<TokenResult<ProctorTokenClaims>> {
  return proctorVerifier()(`Bearer ${token}`);
}

/**
 * An `Authorization: Bearer` header (API clients) wins over the session cookie (browsers). A cookie whose HMAC
 * fails is treated as absent; a sealed token is still re-verified, so expiry and issuer keys apply on every request.
 */
export async function authenticate(
  request: Request,
  cookieValue: string | undefined,
): Promise<{ result: TokenResult<ProctorTokenClaims>; via: Principal['via'] }> {
  const header = request.headers.get('authorization');
  if (header) return { result: await proctorVerifier()(header), via: 'bearer' };
  const token = unsealSession(cookieValue, env().COOKIE_SECRET);
  return { result: await proctorVerifier()(token ? `Bearer ${token}` : null), via: 'cookie' };
}

export { SESSION_COOKIE };
