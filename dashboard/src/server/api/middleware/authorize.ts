// Auth as route middleware: who is asking (a bearer token or the server-side session's cookie), whether their role
// may use the route, and, for a cookie, that a write comes from the dashboard's own pages (CSRF).
import { ApiError, type ProctorRole } from '@proctor/contracts';
import type { MiddlewareHandler } from 'hono';
import { authenticate, SESSION_COOKIE } from '../../auth/principal.ts';
import { clearSessionCookie } from '../../auth/sessionCookie.ts';
import { sameOrigin } from '../../http/requestChecks.ts';
import type { DashboardEnv } from '../context.ts';

const RANK: Record<ProctorRole, number> = { proctor: 1, admin: 2 };
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** True when `role` is `least` or above it (an admin may do what a proctor may). */
export const hasRole = (role: ProctorRole, least: ProctorRole) => RANK[role] >= RANK[least];

/** The route's least role; a refused or missing credential is a 401 with WWW-Authenticate, a wrong role a 403. */
export function authorize(least: ProctorRole): MiddlewareHandler<DashboardEnv> {
  return async function authorizeCaller(c, next) {
    const { cookies } = c.env.astro;
    const { redis, redisPrefix } = c.var.services;
    const result = await authenticate(c.req.raw, cookies.get(SESSION_COOKIE)?.value, redis, redisPrefix);
    if (!result.ok) {
      // A bad or ended cookie is deleted with the attributes it was set with.
      if (cookies.has(SESSION_COOKIE)) clearSessionCookie(cookies);
      throw new ApiError(result.code, result.message, { headers: { 'www-authenticate': result.wwwAuthenticate } });
    }
    const { principal } = result;
    if (!hasRole(principal.role, least)) {
      throw new ApiError('FORBIDDEN', `this needs the ${least} role; you are signed in as ${principal.role}`);
    }
    if (principal.via === 'cookie' && !SAFE_METHODS.has(c.req.method) && !sameOrigin(c.req.raw, new URL(c.req.url))) {
      throw new ApiError('FORBIDDEN', 'cross-origin request refused: send it from the dashboard itself');
    }
    c.set('principal', principal);
    await next();
  };
}
