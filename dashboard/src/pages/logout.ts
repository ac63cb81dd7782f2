// POST /logout: forget the session cookie and go back to the sign-in page.
import type { APIRoute } from 'astro';
import { SESSION_COOKIE } from '../server/auth/sessionCookie.ts';

export const POST: APIRoute = ({ cookies, redirect }) => {
  cookies.delete(SESSION_COOKIE, { path: '/', secure: true, httpOnly: true, sameSite: 'lax' });
  return redirect('/login', 303);
};
