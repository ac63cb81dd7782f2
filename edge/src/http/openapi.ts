// The route layer's shared parts in the form @hono/zod-openapi registers: JSON content with the schema's own
// examples, the error responses a route can give, the exam-token security and the document's own fields.
import { createRoute, defineOpenAPIRoute, type OpenAPIRoute, type RouteConfig } from '@hono/zod-openapi';
import { ERROR_STATUS, type ErrorCode, ErrorEnvelope } from '@proctor/contracts';
import { z } from 'zod';
import type { AppEnv } from '../context.ts';
import { BODY_ERRORS, jsonBody, type ReadJsonOptions } from './readJsonBody.ts';

/** What the exam-token middleware can refuse with; every authenticated route answers these. */
export const AUTH_ERRORS: ErrorCode[] = ['UNAUTHENTICATED', 'TOKEN_INVALID', 'TOKEN_EXPIRED', 'TOKEN_TOO_LARGE'];

/** A route's `security` when it takes the exam token (app.ts checks the token on exactly these routes). */
export const EXAM_TOKEN = [{ examToken: [] }];

/**
 * JSON content of `schema`, with the schema's own examples (zod `.meta()` in contracts) also as the media type's
 * named examples, where OpenAPI tools show request examples. A getter: examples that carry the current time are
 * read each time the document is generated.
 */
export function jsonContent<S extends z.ZodType>(schema: S) {
  return {
    'application/json': {
      schema,
      get examples() {
        const examples = z.globalRegistry.get(schema)?.examples;
        if (!Array.isArray(examples) || examples.length === 0) return undefined;
        return Object.fromEntries(examples.map((value, i) => [`example${i + 1}`, { value }]));
      },
    },
  };
}

/** One error response per status, naming the codes it can carry; INTERNAL is always possible. */
export function errorResponses(codes: readonly ErrorCode[]) {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of new Set([...codes, 'INTERNAL' as const])) {
    byStatus.set(ERROR_STATUS[code], [...(byStatus.get(ERROR_STATUS[code]) ?? []), code]);
  }
  return Object.fromEntries(
    [...byStatus].map(([status, list]) => [
      status,
      { description: `Error envelope; code is one of ${list.join(', ')}`, content: jsonContent(ErrorEnvelope) },
    ]),
  );
}

/**
 * A POST route that takes the exam token and a JSON body: the body is read under `read.maxBytes` and parsed once
 * (jsonBody), then validated against `body`. It answers `ok.schema` with one of `ok.statuses` (status → what it
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
