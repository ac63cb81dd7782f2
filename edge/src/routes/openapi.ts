// GET /openapi.json: the API described from the routes' own contracts, as @hono/zod-openapi registered them.
import { createRoute, defineOpenAPIRoute, type OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../context.ts';
import { DOCUMENT, errorResponses } from '../http/openapi.ts';

const route = createRoute({
  method: 'get',
  path: '/openapi.json',
  summary: 'This document (OpenAPI 3.1)',
  security: [],
  responses: { 200: { description: 'OpenAPI 3.1 document' }, ...errorResponses([]) },
});

export function openapiDocument(app: OpenAPIHono<AppEnv>) {
  return defineOpenAPIRoute<typeof route, AppEnv>({
    route,
    // Built per request (a few ms, rarely asked for): its examples carry the current time, so they stay sendable.
    handler: (c) => c.json(app.getOpenAPI31Document(DOCUMENT), 200),
  });
}
