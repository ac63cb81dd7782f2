// The dashboard's API as one Hono app (served under /api/* by src/pages/api/[...path].ts): the request's services,
// the routes (each file holds its contract, middleware and handler), 405s, the OpenAPI document and the single
// error exit.
import { OpenAPIHono } from '@hono/zod-openapi';
import { ApiError, ERROR_STATUS, errorResponses } from '@proctor/contracts';
import { methodNotAllowed } from 'hono/method-not-allowed';
import { services } from '../services.ts';
import type { DashboardEnv } from './context.ts';
import { notFound, onError, validationFailed } from './errors.ts';
import { ROUTES } from './routes.ts';

/** The document's own fields (paths and components come from the registered routes). */
const DOCUMENT = {
  openapi: '3.1.0',
  info: {
    title: 'Proctor dashboard API',
    version: '1.0.0',
    description:
      'Read and review proctoring data of your tenant. The tenant always comes from the verified token; no endpoint ' +
      'takes it from the URL or body. Each operation names the least role that may call it in `x-role`. Error codes ' +
      `map to statuses as: ${Object.entries(ERROR_STATUS)
        .map(([c, s]) => `${c}=${s}`)
        .join(', ')}.`,
  },
  jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
};

export function createApi(): OpenAPIHono<DashboardEnv> {
  // A request that fails its route's schema (params, query, headers, body) is a 400 VALIDATION_FAILED through
  // onError, like any other refusal; a route may take its own hook (a form goes back to its page).
  const app = new OpenAPIHono<DashboardEnv>({
    defaultHook(result) {
      if (!result.success) throw validationFailed(result.error);
    },
  });
  app.use('*', async function init(c, next) {
    // One request id for pages and API: the Astro middleware's (src/middleware.ts), echoed there too.
    c.set('requestId', c.env.astro.locals.requestId);
    c.set('form', false);
    c.set('services', services());
    await next();
    // What a signed-in proctor sees must not stay in a shared cache or the browser's back-forward history.
    if (!c.res.headers.has('cache-control')) c.header('cache-control', 'no-store');
  });
  app.use(
    '*',
    methodNotAllowed({
      app,
      onMethodNotAllowed: (c, methods) => {
        throw new ApiError('METHOD_NOT_ALLOWED', `${c.req.path} accepts ${methods.join(', ')}`, {
          headers: { allow: methods.join(', ') },
        });
      },
    }),
  );
  app.openapiRoutes(Object.values(ROUTES));
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'RS256 JWT with tenant_id and role (proctor|admin)',
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'cookie', {
    type: 'apiKey',
    in: 'cookie',
    name: '__Host-proctor_session',
  });
  // Public: it holds no data. Built on first ask from the same definitions the routes validate with.
  let document: ReturnType<typeof app.getOpenAPI31Document> | undefined;
  app.openapi(
    {
      method: 'get',
      path: '/api/openapi.json',
      summary: 'This document (OpenAPI 3.1)',
      security: [],
      responses: { 200: { description: 'OpenAPI 3.1 document' }, ...errorResponses([]) },
    },
    (c) => {
      document ??= app.getOpenAPI31Document(DOCUMENT);
      return c.json(document, 200, { 'cache-control': 'public, max-age=300' });
    },
  );
  app.notFound(notFound);
  app.onError(onError);
  return app;
}
