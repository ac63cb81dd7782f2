// Every dashboard request passes here: request id and security headers for all; for pages, the body limit, auth
// (bearer or server-side session), the origin check on cookie writes, services on locals and errors. The API
// (/api/*) does its own auth, limits and error envelope per route (src/server/api/app.ts). The exam page is exempt
// from auth and gets its own frame-ancestors.

import { defineMiddleware } from 'astro:middleware';
import { errorContext } from '@proctor/contracts';
import { authenticate, SESSION_COOKIE } from './server/auth/principal.ts';
import { clearSessionCookie } from './server/auth/sessionCookie.ts';
import { examPageOrigins } from './server/env.ts';
import { declaredTooLarge, PAGE_BODY_LIMIT } from './server/http/pageForm.ts';
import { isUnavailable, sameOrigin } from './server/http/requestChecks.ts';
import { apiError } from './server/http/respond.ts';
import { addCspDirective, examFrameAncestors, requestIdOf, SECURITY_HEADERS } from './server/http/securityHeaders.ts';
import { log } from './server/log.ts';
import { services } from './server/services.ts';

/** Pages that need no proctor session: sign-in and sign-out. */
const isPublic = (path: string) => path === '/login' || path === '/logout';

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
  if (path === '/api' || path.startsWith('/api/')) return secure(await next());

  // Checked on the declared length before anything reads the body; sign-in reads at most the limit (readPageForm).
  if (!SAFE_METHODS.has(request.method) && declaredTooLarge(request, PAGE_BODY_LIMIT)) {
    return secure(
      apiError('PAYLOAD_TOO_LARGE', `the request body must be at most ${PAGE_BODY_LIMIT} bytes`, requestId),
    );
  }

  try {
    context.locals.services = services();
    if (!isPublic(path)) {
      const { redis, redisPrefix } = context.locals.services;
      const result = await authenticate(request, context.cookies.get(SESSION_COOKIE)?.value, redis, redisPrefix);
      if (!result.ok) {
        if (context.cookies.has(SESSION_COOKIE)) clearSessionCookie(context.cookies);
        if (result.code === 'SERVICE_UNAVAILABLE') {
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
      // Pages take no writes but sign-in and sign-out; should one ever, a cookie write must come from our pages.
      if (result.principal.via === 'cookie' && !SAFE_METHODS.has(request.method) && !sameOrigin(request, url)) {
        return secure(
          apiError('FORBIDDEN', 'cross-origin request refused: send it from the dashboard itself', requestId),
        );
      }
    }
    return secure(await next());
  } catch (err) {
    log.error('dashboard_request_failed', { requestId, path, ...errorContext(err) });
    if (isUnavailable(err)) {
      return secure(apiError('SERVICE_UNAVAILABLE', 'a dependency is unavailable; try again shortly', requestId));
    }
    throw err;
  }
});
