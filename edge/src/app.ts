// The edge API: middleware order, the route table and the single error exit.
import { Hono } from 'hono';
import { cors } from 'hono/cors';
import type { AppEnv } from './context.ts';
import type { EdgeEnv } from './env.ts';
import { notFound, onError } from './errors.ts';
import { examTokenAuth } from './middleware/auth.ts';
import { init } from './middleware/init.ts';
import type { Route } from './openapi/contract.ts';
import { eventsBatch } from './routes/eventsBatch.ts';
import { healthz } from './routes/healthz.ts';
import { openapiRoute } from './routes/openapi.ts';
import { sessionsEnd } from './routes/sessionsEnd.ts';
import { sessionsHeartbeat } from './routes/sessionsHeartbeat.ts';
import { sessionsStart } from './routes/sessionsStart.ts';
import { thumbnails } from './routes/thumbnails.ts';

const apiRoutes: Route[] = [sessionsStart, sessionsHeartbeat, sessionsEnd, eventsBatch, thumbnails, healthz];

export function createApp(config: EdgeEnv): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
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
  app.use('*', init(config));
  const allowed = new Map<string, string[]>();
  for (const { contract, handler } of [...apiRoutes, openapiRoute(apiRoutes.map((r) => r.contract))]) {
    allowed.set(contract.path, [...(allowed.get(contract.path) ?? []), contract.method.toUpperCase()]);
    if (contract.auth) app.on(contract.method.toUpperCase(), contract.path, auth, handler);
    else app.on(contract.method.toUpperCase(), contract.path, handler);
  }
  app.notFound(notFound(allowed));
  app.onError(onError);
  return app;
}
