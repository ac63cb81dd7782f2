// The GET handler shape of the per-session API routes: load by the path's sessionId within the caller's tenant,
// JSON when found, the same 404 when the session is not the tenant's or does not exist.
import type { APIRoute } from 'astro';
import { apiError, json } from './respond.ts';

export function sessionGet<T>(load: (locals: App.Locals, sessionId: string) => Promise<T | null>): APIRoute {
  return async ({ locals, params }) => {
    const found = await load(locals, params.sessionId ?? '');
    return found ? json(found) : apiError('NOT_FOUND', 'no such session in your tenant', locals.requestId);
  };
}
