// Every dashboard request passes here: request id, auth (bearer or sealed cookie), origin check on cookie writes,
// services on locals, one error envelope for the API, and security headers. The candidate exam page is exempt.

import { defineMiddleware } from 'astro:middleware';
import { randomUUID } from 'node:crypto';
import { errorContext } from '@proctor/contracts';
import { authenticate, SESSION_COOKIE, toPrincipal } from './server/auth/principal.ts';
import { ApiFailure, apiError } from './server/http/respond.ts';
import { log } from './server/log.ts';
import { services } from './server/services.ts';

/** Routes that need no proctor token: sign-in/out and the API description (it holds no data). */
function isPublic(path: string): boolean {
  return path === '/login' || path === '/logout' || path === '/api/openapi.json';
}

/** A dependency that cannot be reached is a 503 (retry later), not a bug in the request or in us. */
function isUnavailable(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return (
    typeof code === 'string' &&
    ['ECONNREFUSED', 'ETIMEDOUT', 'EHOSTUNREACH', 'PROTOCOL_CONNECTION_LOST', 'ER_CON_COUNT_ERROR'].includes(code)
  );
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** A cookie-authenticated write must come from our own origin (CSRF); bearer-token API calls carry no ambient auth. */
function sameOrigin(request: Request, url: URL): boolean {
  const origin = request.headers.get('origin');
  if (origin) return origin === url.origin;
  return request.headers.get('sec-fetch-site') === 'same-origin';
}

const SECURITY_HEADERS: Record<string, string> = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'permissions-policy': 'camera=(), microphone=(), geolocation=()',
};

export const onRequest = defineMiddleware(async (context, next) => {
  const { request, url } = context;
  const requestId = request.headers.get('x-request-id')?.slice(0, 64) || randomUUID();
  context.locals.requestId = requestId;
  const path = url.pathname;
  // The candidate's exam page has its own auth (the exam token, at the edge) and its own headers.
  if (context.isPrerendered || path === '/exam' || path.startsWith('/exam/') || path.startsWith('/models/')) {
    return next();
  }

  const isApi = path.startsWith('/api/');
  const secure = (response: Response) => {
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) if (!response.headers.has(k)) response.headers.set(k, v);
    response.headers.set('x-request-id', requestId);
    return response;
  };

  try {
    if (!isPublic(path)) {
      const { result, via } = await authenticate(request, context.cookies.get(SESSION_COOKIE)?.value);
      if (!result.ok) {
        if (isApi) {
          return secure(
            apiError(result.code, result.message, requestId, {
              headers: { 'www-authenticate': result.wwwAuthenticate },
            }),
          );
        }
        if (context.cookies.has(SESSION_COOKIE)) context.cookies.delete(SESSION_COOKIE, { path: '/' });
        const reason =
          result.code === 'TOKEN_EXPIRED' ? 'expired' : result.code === 'UNAUTHENTICATED' ? 'signin' : 'invalid';
        const nextPath = `${path}${url.search}`;
        return secure(context.redirect(`/login?reason=${reason}&next=${encodeURIComponent(nextPath)}`, 303));
      }
      context.locals.principal = toPrincipal(result.claims, via);
      if (via === 'cookie' && !SAFE_METHODS.has(request.method) && !sameOrigin(request, url)) {
        return secure(
          apiError('FORBIDDEN', 'cross-origin request refused: send it from the dashboard itself', requestId),
        );
      }
    }
    context.locals.services = services();
    return secure(await next());
  } catch (err) {
    if (!isApi) throw err;
    if (err instanceof ApiFailure) return secure(apiError(err.code, err.message, requestId, { details: err.details }));
    log.error('dashboard_api_failed', { requestId, path, ...errorContext(err) });
    if (isUnavailable(err)) {
      return secure(apiError('SERVICE_UNAVAILABLE', 'the database is unavailable; try again shortly', requestId));
    }
    return secure(apiError('INTERNAL', 'the dashboard could not answer; try again shortly', requestId));
  }
});
