// Every dashboard request passes here: request id, body limit, auth (bearer or server-side session), origin check on
// cookie writes, services on locals, one error envelope for the API, and security headers. The exam page is exempt
// from auth and gets its own frame-ancestors.

import { defineMiddleware } from 'astro:middleware';
import { ApiError, errorContext } from '@proctor/contracts';
import { authenticate, SESSION_COOKIE } from './server/auth/principal.ts';
import { mayAccess } from './server/auth/roles.ts';
import { clearSessionCookie } from './server/auth/sessionCookie.ts';
import { examPageOrigins } from './server/env.ts';
import { bodyLimitFor, declaredTooLarge } from './server/http/bodyLimit.ts';
import { isUnavailable, sameOrigin } from './server/http/requestChecks.ts';
import { apiError } from './server/http/respond.ts';
import { addCspDirective, examFrameAncestors, requestIdOf, SECURITY_HEADERS } from './server/http/securityHeaders.ts';
import { log } from './server/log.ts';
import { services } from './server/services.ts';

/** Routes that need no proctor session: sign-in/out and the API description (it holds no data). */
function isPublic(path: string): boolean {
  return path === '/login' || path === '/logout' || path === '/api/openapi.json';
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export const onRequest = defineMiddleware(async (context, next) => {
  const { request, url } = context;
  const requestId = requestIdOf(request);
  context.locals.requestId = requestId;
  const path = url.pathname;
  // The candidate's exam page has its own auth (the exam token, at the edge) and its own headers.
  if (context.isPrerendered || path.startsWith('/models/')) return next();
  if (path === '/exam' || path.startsWith('/exam/')) {
    const response = await next();
    examFrameAncestors(response, examPageOrigins().platform);
    return response;
  }

  const isApi = path.startsWith('/api/');
  let authenticated = false;
  const secure = (response: Response) => {
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) if (!response.headers.has(k)) response.headers.set(k, v);
    response.headers.set('x-request-id', requestId);
    // What a signed-in proctor sees must not stay in a shared cache or the browser's back-forward history.
    if (authenticated || path === '/login') response.headers.set('cache-control', 'no-store');
    if (response.headers.get('content-type')?.startsWith('text/html')) {
      addCspDirective(response, "frame-ancestors 'none'");
    }
    return response;
  };

  // The limit is checked on the declared length before anything reads the body; routes that read one read at most
  // their limit (readLimitedBody), so a chunked upload without a length stops there too.
  const limit = bodyLimitFor(path);
  if (!SAFE_METHODS.has(request.method) && declaredTooLarge(request, limit)) {
    return secure(apiError('PAYLOAD_TOO_LARGE', `the request body must be at most ${limit} bytes`, requestId));
  }

  try {
    context.locals.services = services();
    if (!isPublic(path)) {
      const { redis, redisPrefix } = context.locals.services;
      const result = await authenticate(request, context.cookies.get(SESSION_COOKIE)?.value, redis, redisPrefix);
      if (!result.ok) {
        if (context.cookies.has(SESSION_COOKIE)) clearSessionCookie(context.cookies);
        if (result.code === 'SERVICE_UNAVAILABLE' || isApi) {
          return secure(
            apiError(result.code, result.message, requestId, {
              headers: { 'www-authenticate': result.wwwAuthenticate },
            }),
          );
        }
        const reason =
          result.code === 'TOKEN_EXPIRED' ? 'expired' : result.code === 'UNAUTHENTICATED' ? 'signin' : 'invalid';
        const nextPath = `${path}${url.search}`;
        return secure(context.redirect(`/login?reason=${reason}&next=${encodeURIComponent(nextPath)}`, 303));
      }
      authenticated = true;
      context.locals.principal = result.principal;
      // Roles on the server, for every page and route (server/auth/roles.ts): a proctor never reaches admin code.
      if (!mayAccess(result.principal.role, path)) {
        const message = `this needs the admin role; you are signed in as ${result.principal.role}`;
        return secure(isApi ? apiError('FORBIDDEN', message, requestId) : new Response(message, { status: 403 }));
      }
      if (result.principal.via === 'cookie' && !SAFE_METHODS.has(request.method) && !sameOrigin(request, url)) {
        return secure(
          apiError('FORBIDDEN', 'cross-origin request refused: send it from the dashboard itself', requestId),
        );
      }
    }
    return secure(await next());
  } catch (err) {
    if (err instanceof ApiError) {
      return secure(apiError(err.code, err.message, requestId, { details: err.details, headers: err.headers }));
    }
    log.error('dashboard_request_failed', { requestId, path, ...errorContext(err) });
    if (isUnavailable(err)) {
      return secure(apiError('SERVICE_UNAVAILABLE', 'a dependency is unavailable; try again shortly', requestId));
    }
    if (!isApi) throw err;
    return secure(apiError('INTERNAL', 'the dashboard could not answer; try again shortly', requestId));
  }
});
