// Builds the OpenAPI 3.1 document from the route table with the generator under the edge's routes
// (@asteasolutions/zod-to-openapi, which @hono/zod-openapi uses): one converter and one dialect for both documents.
import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import { ERROR_STATUS, ErrorEnvelope } from '@proctor/contracts';
import { requiredRole } from '../auth/roles.ts';
import type { RouteContract } from './contract.ts';
import { ROUTES } from './routes.ts';

/** Every error response refers to this one component: a zod `id` is what the generator names a component by. */
const NamedErrorEnvelope = ErrorEnvelope.meta({ id: 'ErrorEnvelope' });

export function buildOpenApi() {
  const registry = new OpenAPIRegistry();
  const errorResponse = (description: string) => ({
    description,
    content: { 'application/json': { schema: NamedErrorEnvelope } },
  });
  registry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'RS256 JWT with tenant_id and role (proctor|admin)',
  });
  registry.registerComponent('securitySchemes', 'cookie', {
    type: 'apiKey',
    in: 'cookie',
    name: '__Host-proctor_session',
  });

  for (const [id, route] of Object.entries(ROUTES) as [string, RouteContract][]) {
    const admin = requiredRole(route.path) === 'admin';
    registry.registerPath({
      method: route.method,
      path: route.path,
      operationId: id,
      summary: route.summary,
      security: [{ bearer: [] }, { cookie: [] }],
      request: {
        params: route.params,
        query: route.query,
        ...(route.body ? { body: { required: true, content: { 'application/json': { schema: route.body } } } } : {}),
      },
      responses: {
        [route.status ?? 200]: {
          description: route.status === 202 ? 'Accepted' : 'OK',
          content: { [route.mediaType ?? 'application/json']: { schema: route.response } },
        },
        ...(route.body
          ? { 400: errorResponse('VALIDATION_FAILED or MALFORMED_JSON: the message says how to fix it') }
          : {}),
        401: errorResponse('UNAUTHENTICATED, TOKEN_INVALID (also a wrong role) or TOKEN_EXPIRED'),
        ...(route.method === 'post' || admin
          ? {
              403: errorResponse(
                `FORBIDDEN: ${admin ? 'needs role admin; or ' : ''}a cookie-authenticated write from another origin`,
              ),
            }
          : {}),
        ...(route.path.includes('/policy') && route.method === 'post'
          ? { 409: errorResponse('POLICY_VERSION_CONFLICT: someone saved a newer version; reload and edit again') }
          : {}),
        404: errorResponse(
          'NOT_FOUND: no such id in your tenant (another tenant’s ids look exactly like missing ones)',
        ),
        500: errorResponse('INTERNAL'),
      },
    });
  }
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'Proctor dashboard API',
      version: '1.0.0',
      description:
        'Read and review proctoring data of your tenant. The tenant always comes from the verified token; ' +
        `no endpoint takes it from the URL or body. Error codes map to statuses as: ${Object.entries(ERROR_STATUS)
          .map(([c, s]) => `${c}=${s}`)
          .join(', ')}.`,
    },
  });
}
