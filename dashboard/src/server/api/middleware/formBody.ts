// Forms posted by pages without JavaScript (review, policy, erasure): the form's fields become the route's JSON body,
// so one schema validates both, and the route knows to answer with a redirect back (and a flash notice).
import { ApiError } from '@proctor/contracts';
import type { Context, MiddlewareHandler } from 'hono';
import type { z } from 'zod';
import { setFlash } from '../../auth/flash.ts';
import { describeIssues } from '../../http/respond.ts';
import type { DashboardEnv } from '../context.ts';
import { validationFailed } from '../errors.ts';

/** The content types of a form body, as the dashboard's own forms post them. */
const isFormType = (type: string) =>
  type.startsWith('application/x-www-form-urlencoded') || type.startsWith('multipart/form-data');

/** The form as the route's JSON body (validated next by the route's schema); `c` for the path's own fields. */
export type FormToBody = (form: FormData, c: Context<DashboardEnv>) => unknown;

/**
 * Runs after the body limit and before the route's validator: a form post is read and handed on as the JSON `toBody`
 * makes of it (the validator reads the request through Hono, as for any JSON post).
 */
export function formBody(toBody: FormToBody): MiddlewareHandler<DashboardEnv> {
  return async function formAsJson(c, next) {
    c.set('form', isFormType(c.req.header('content-type') ?? ''));
    if (!c.var.form) return next();
    const form = await c.req.raw.formData().catch(() => null);
    if (!form) throw new ApiError('VALIDATION_FAILED', 'the form body could not be read');
    const headers = new Headers(c.req.raw.headers);
    headers.set('content-type', 'application/json');
    headers.delete('content-length');
    c.req.raw = new Request(c.req.raw.url, {
      method: c.req.method,
      headers,
      body: JSON.stringify(toBody(form, c)),
    });
    await next();
  };
}

/** Answers a form post with a redirect to `page`, the notice waiting there (auth/flash.ts), never in the URL. */
export async function backTo(c: Context<DashboardEnv>, page: string, flash: Parameters<typeof setFlash>[4]) {
  const { services, principal } = c.var;
  await setFlash(services.redis, services.redisPrefix, principal.sessionId, page, flash);
  return c.redirect(page, 303);
}

/**
 * A route's validation hook for a form the page shows its errors on: an invalid form goes back to `page(c)` with the
 * message as a notice; an invalid JSON body is the usual 400.
 */
export function formErrorsBackTo(page: (c: Context<DashboardEnv>) => string) {
  return (result: { success: true } | { success: false; error: z.ZodError }, c: Context<DashboardEnv>) => {
    if (result.success) return undefined;
    if (!c.var.form) throw validationFailed(result.error);
    return backTo(c, page(c), { kind: 'error', message: describeIssues(result.error.issues) });
  };
}
