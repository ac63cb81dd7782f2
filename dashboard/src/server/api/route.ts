// How a dashboard API route is declared: its contract (@hono/zod-openapi: params, query, body, responses) and, as
// middleware in the same definition, its role, its body limit and, for a page's form, how the form becomes the body.
// The OpenAPI document, the validators and the tests' route table all come from these definitions.
import { createRoute, defineOpenAPIRoute, type OpenAPIRoute, type RouteConfig } from '@hono/zod-openapi';
import { BODY_ERRORS, type ErrorCode, errorResponses, type ProctorRole } from '@proctor/contracts';
import type { DashboardEnv } from './context.ts';
import { authorize } from './middleware/authorize.ts';
import { type FormToBody, formBody } from './middleware/formBody.ts';
import { DEFAULT_BODY_LIMIT, limitBody } from './middleware/limitBody.ts';

/** What the auth middleware can refuse with; every route answers these. */
const AUTH_ERRORS: ErrorCode[] = ['UNAUTHENTICATED', 'TOKEN_INVALID', 'TOKEN_EXPIRED'];

/** A proctor token as a bearer header (API clients) or the session cookie sign-in sets (the dashboard's pages). */
const SECURITY = [{ bearer: [] }, { cookie: [] }];

type ApiRouteConfig = Omit<RouteConfig, 'middleware' | 'security'> & {
  /** The least role that may call it (an admin may do what a proctor may). */
  role: ProctorRole;
  /** The codes the handler itself answers with, besides auth, role, origin and body ones. */
  errors: readonly ErrorCode[];
  /** Bytes a POST body may have (DEFAULT_BODY_LIMIT unless said). */
  bodyLimit?: number;
  /** A page's form post, as the JSON body the route's schema validates. */
  form?: FormToBody;
};

/** A route's definition; its `x-role` says in the OpenAPI document who may call it. */
export function apiRoute<const R extends ApiRouteConfig>(o: R) {
  const { role, errors, bodyLimit, form, ...config } = o;
  const write = config.method === 'post';
  return createRoute({
    ...config,
    'x-role': role,
    security: SECURITY,
    middleware: [
      authorize(role),
      ...(write ? [limitBody(bodyLimit ?? DEFAULT_BODY_LIMIT)] : []),
      ...(form ? [formBody(form)] : []),
    ],
    responses: {
      ...config.responses,
      ...(form ? { 303: { description: 'A form post: back to its page, the outcome as a notice there' } } : {}),
      ...errorResponses([
        ...AUTH_ERRORS,
        // A wrong role, or a cookie write from another origin.
        ...(write || role === 'admin' ? (['FORBIDDEN'] as const) : []),
        ...(config.request?.body ? BODY_ERRORS : []),
        ...(config.request?.params || config.request?.query ? (['VALIDATION_FAILED'] as const) : []),
        ...errors,
      ]),
    },
  } as Omit<R, 'role' | 'errors' | 'bodyLimit' | 'form' | 'responses'> & {
    'x-role': ProctorRole;
    responses: R['responses'] & (R['form'] extends FormToBody ? { 303: { description: string } } : unknown);
  });
}

/** A route of the dashboard's API with its handler (and validation hook), the handler typed by the route. */
export const dashboardRoute = <R extends RouteConfig>(
  route: R,
  handler: OpenAPIRoute<R, DashboardEnv>['handler'],
  hook?: OpenAPIRoute<R, DashboardEnv>['hook'],
) => defineOpenAPIRoute<R, DashboardEnv>({ route, handler, ...(hook ? { hook } : {}) });
