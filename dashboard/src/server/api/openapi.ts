// Builds the OpenAPI 3.1 document from the route table: every schema comes from zod via z.toJSONSchema.
import { ERROR_STATUS } from '@proctor/contracts';
import { z } from 'zod';
import { requiredRole } from '../auth/roles.ts';
import { ERROR_RESPONSE, ROUTES, type RouteContract } from './routes.ts';

const schema = (s: z.ZodType, io: 'input' | 'output' = 'output') =>
  z.toJSONSchema(s, { target: 'openapi-3.0', io, unrepresentable: 'any' });

function parameters(route: RouteContract) {
  const out: unknown[] = [];
  const add = (where: 'path' | 'query', obj: z.ZodObject | undefined) => {
    if (!obj) return;
    for (const [name, field] of Object.entries(obj.shape)) {
      const f = field as z.ZodType;
      out.push({
        name,
        in: where,
        required: where === 'path' || !f.safeParse(undefined).success,
        schema: schema(f, 'input'),
      });
    }
  };
  add('path', route.params);
  add('query', route.query);
  return out;
}

const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorEnvelope' } } },
});

export function buildOpenApi() {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const [id, route] of Object.entries(ROUTES) as [string, RouteContract][]) {
    paths[route.path] ??= {};
    (paths[route.path] as Record<string, unknown>)[route.method] = {
      operationId: id,
      summary: route.summary,
      security: [{ bearer: [] }, { cookie: [] }],
      parameters: parameters(route),
      ...(route.body
        ? { requestBody: { required: true, content: { 'application/json': { schema: schema(route.body, 'input') } } } }
        : {}),
      responses: {
        [route.status ?? 200]: {
          description: route.status === 202 ? 'Accepted' : 'OK',
          content: { [route.mediaType ?? 'application/json']: { schema: schema(route.response) } },
        },
        ...(route.body
          ? { 400: errorResponse('VALIDATION_FAILED or MALFORMED_JSON: the message says how to fix it') }
          : {}),
        401: errorResponse('UNAUTHENTICATED, TOKEN_INVALID (also a wrong role) or TOKEN_EXPIRED'),
        ...(route.method === 'post' || requiredRole(route.path) === 'admin'
          ? {
              403: errorResponse(
                `FORBIDDEN: ${requiredRole(route.path) === 'admin' ? 'needs role admin; or ' : ''}a cookie-authenticated write from another origin`,
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
    };
  }
  return {
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
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'RS256 JWT with tenant_id and role (proctor|admin)' },
        cookie: { type: 'apiKey', in: 'cookie', name: '__Host-proctor_session' },
      },
      schemas: { ErrorEnvelope: schema(ERROR_RESPONSE) },
    },
    paths,
  };
}
