// POST /logout: end the server-side session (its live streams end with it), delete the cookie with the attributes
// it was set with, and go back to the sign-in page. Only from our own pages: a cross-site form cannot sign anyone out.
import type { APIRoute } from 'astro';
import { deleteSession } from '../server/auth/loginSessions.ts';
import { SESSION_COOKIE } from '../server/auth/principal.ts';
import { clearSessionCookie, unsealSession } from '../server/auth/sessionCookie.ts';
import { env } from '../server/env.ts';
import { sameOrigin } from '../server/http/requestChecks.ts';
import { apiError } from '../server/http/respond.ts';

export const POST: APIRoute = async ({ cookies, redirect, request, url, locals }) => {
  if (!sameOrigin(request, url)) {
    return apiError(
      'FORBIDDEN',
      'cross-origin sign-out refused: use the Sign out button of the dashboard',
      locals.requestId,
    );
  }
  const sessionId = unsealSession(cookies.get(SESSION_COOKIE)?.value, env().COOKIE_SECRET);
  if (sessionId) await deleteSession(locals.services.redis, locals.services.redisPrefix, sessionId);
  clearSessionCookie(cookies);
  return redirect('/login?reason=signedout', 303);
};
