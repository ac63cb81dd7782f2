// The edge API: middleware order, the routes (each file holds its contract and handler) and the single error exit.
import { OpenAPIHono } from '@hono/zod-openapi';
import { ANOMALY_EVENT_COMPONENT, AnomalyEvent } from '@proctor/contracts';
import { cors } from 'hono/cors';
import { methodNotAllowed } from 'hono/method-not-allowed';
import { requestId } from 'hono/request-id';
import type { AppEnv } from './context.ts';
import type { EdgeEnv } from './env.ts';
import { methodNotAllowedError, notFound, onError, validationFailed } from './errors.ts';
import { EXAM_TOKEN_SCHEME } from './http/openapi.ts';
import { examTokenAuth } from './middleware/auth.ts';
import { init } from './middleware/init.ts';
import { eventsBatch } from './routes/eventsBatch.ts';
import { healthz } from './routes/healthz.ts';
import { openapiDocument } from './routes/openapi.ts';
import { sessionsEnd } from './routes/sessionsEnd.ts';
import { sessionsHeartbeat } from './routes/sessionsHeartbeat.ts';
import { sessionsStart } from './routes/sessionsStart.ts';
import { thumbnails } from './routes/thumbnails.ts';

export function createApp(config: EdgeEnv): OpenAPIHono<AppEnv> {
  // A request that fails its route's schema (body or query) is a 400 VALIDATION_FAILED through onError, like any
  // other refusal.
  const app = new OpenAPIHono<AppEnv>({
    defaultHook(result) {
      if (!result.success) throw validationFailed(result.error, result.target === 'query' ? 'query' : 'body');
    },
  });
  const auth = examTokenAuth(config);
  // CORS first, so a browser's preflight is answered before auth and routing see it.
  const origins = config.CORS_ALLOWED_ORIGINS;
  app.use(
    '*',
    cors({
      origin: origins.includes('*') ? '*' : origins,
      allowMethods: ['GET', 'POST', 'OPTIONS'],
      allowHeaders: ['authorization', 'content-type', 'x-request-id'],
      exposeHeaders: ['retry-after', 'x-request-id', 'www-authenticate'],
      maxAge: 86_400,
    }),
  );
  // The caller's id is kept when short and plain ([A-Za-z0-9_=-], at most 64), else a fresh UUID: it names the
  // request in every log line, the error envelope and the X-Request-Id answer header.
  app.use('*', requestId({ limitLength: 64 }));
  app.use('*', init(config));
  // A known path asked with another method: 405 with Allow, as the error envelope (after init: it needs the logger).
  app.use(
    '*',
    methodNotAllowed({
      app,
      onMethodNotAllowed: (c, methods) => {
        throw methodNotAllowedError(c.req.path, methods);
      },
    }),
  );

  const routes = [
    sessionsStart,
    sessionsHeartbeat,
    sessionsEnd,
    eventsBatch,
    thumbnails,
    healthz,
    openapiDocument(app),
  ];
  for (const { route } of routes) {
    // The exam token is checked on exactly the routes that document it, before their body is read.
    if (route.security?.length) app.on(route.method.toUpperCase(), route.path, auth);
  }
  app.openapiRoutes(routes);
  app.openAPIRegistry.registerComponent('securitySchemes', 'examToken', EXAM_TOKEN_SCHEME);
  // A batch's events are parsed one by one (see EventBatchBody), and documented by reference to this schema. The
  // registry names it through `.openapi()`, which @hono/zod-openapi adds to zod schemas built after it loaded: the
  // copy made here is one, whatever order the modules were loaded in.
  app.openAPIRegistry.register(ANOMALY_EVENT_COMPONENT, AnomalyEvent.meta({}));
  app.notFound(notFound);
  app.onError(onError);
  return app;
}
