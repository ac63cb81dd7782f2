// The route layer's shared parts in the form @hono/zod-openapi registers: JSON content with the schema's own
// examples, the error responses a route can give, the exam-token security and the document's own fields.
import { createRoute, defineOpenAPIRoute, type OpenAPIRoute, type RouteConfig } from '@hono/zod-openapi';
import { BODY_ERRORS, type ErrorCode, errorResponses, jsonContent } from '@proctor/contracts';
import type { z } from 'zod';
import type { AppEnv } from '../context.ts';
import { jsonBody, type ReadJsonOptions } from './readJsonBody.ts';

// Shared with the dashboard's routes (contracts/src/http/openapi.ts); the edge's route files import them from here.
export { errorResponses, jsonContent };

/** What the exam-token middleware can refuse with; every authenticated route answers these. */
export const AUTH_ERRORS: ErrorCode[] = ['UNAUTHENTICATED', 'TOKEN_INVALID', 'TOKEN_EXPIRED', 'TOKEN_TOO_LARGE'];

/** A route's `security` when it takes the exam token (app.ts checks the token on exactly these routes). */
export const EXAM_TOKEN = [{ examToken: [] }];

/**
 * A POST route that takes the exam token and a JSON body: the body is read once under `read.maxBytes` (hono/body-limit)
 * and checked as JSON (jsonBody), then validated against `body`. It answers `ok.schema` with one of `ok.statuses` (status → what it
 * means), or an error: the auth and body ones plus `errors`.
 */
export function examTokenJsonRoute<P extends string, B extends z.ZodType, S extends z.ZodType, C extends number>(o: {
  path: P;
  summary: string;
  /** Default 1 KiB: the session routes' bodies name the session and little else. */
  read?: ReadJsonOptions;
  body: B;
  ok: { schema: S; statuses: Record<C, string> };
  errors: readonly ErrorCode[];
}) {
  const ok = Object.entries<string>(o.ok.statuses).map(([status, description]) => [
    status,
    { description, content: jsonContent(o.ok.schema) },
  ]);
  return createRoute({
    method: 'post',
    path: o.path,
    summary: o.summary,
    security: EXAM_TOKEN,
    middleware: jsonBody(o.read ?? { maxBytes: 1024 }),
    request: { body: { required: true, content: jsonContent(o.body) } },
    responses: {
      ...(Object.fromEntries(ok) as Record<C, { description: string; content: ReturnType<typeof jsonContent<S>> }>),
      ...errorResponses([...AUTH_ERRORS, ...BODY_ERRORS, ...o.errors]),
    },
  });
}

/** The document's own fields (paths and components come from the registered routes). */
export const DOCUMENT = {
  openapi: '3.1.0',
  info: {
    title: 'Proctor edge API',
    version: '1.0.0',
    description: 'Session lifecycle and anomaly-event ingest. Every error is {error:{code,message,requestId}}.',
  },
  jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
};

export const EXAM_TOKEN_SCHEME = {
  type: 'http',
  scheme: 'bearer',
  bearerFormat: 'JWT',
  description: "The exam platform's RS256 token",
} as const;

/** A route of the edge app with its handler, the handler typed by the route. */
export const edgeRoute = <R extends RouteConfig>(route: R, handler: OpenAPIRoute<R, AppEnv>['handler']) =>
  defineOpenAPIRoute<R, AppEnv>({ route, handler });
