// Builds the OpenAPI 3.1 document from the routes' zod contracts (zod 4's own JSON Schema output, draft 2020-12,
// which OpenAPI 3.1 uses as is): the document cannot drift from what the handlers parse.
import {
  DocumentedEventBatchBody,
  ERROR_STATUS,
  type ErrorCode,
  ErrorEnvelope,
  EventBatchBody,
} from '@proctor/contracts';
import { z } from 'zod';
import type { RouteContract } from './contract.ts';

const AUTH_ERRORS: ErrorCode[] = ['UNAUTHENTICATED', 'TOKEN_INVALID', 'TOKEN_EXPIRED', 'TOKEN_TOO_LARGE'];

/** The batch contract keeps events `unknown` so each is parsed alone; the document shows what each must be. */
const documentedRequest = (schema: z.ZodType) => (schema === EventBatchBody ? DocumentedEventBatchBody : schema);

/**
 * A request schema's own examples (zod `.meta()` in contracts) as the media type's named examples. zod leaves
 * `examples` out of an input-side JSON Schema that has transforms (they describe output there), so the request's
 * examples are carried here, where OpenAPI puts request examples anyway.
 */
function mediaExamples(schema: z.ZodType) {
  const examples = z.globalRegistry.get(schema)?.examples;
  if (!Array.isArray(examples) || examples.length === 0) return {};
  return { examples: Object.fromEntries(examples.map((value, i) => [`example${i + 1}`, { value }])) };
}

function jsonSchema(schema: z.ZodType, io: 'input' | 'output') {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io,
    unrepresentable: 'any',
  }) as Record<string, unknown>;
  return rest;
}

function errorResponses(codes: ErrorCode[]) {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of codes) byStatus.set(ERROR_STATUS[code], [...(byStatus.get(ERROR_STATUS[code]) ?? []), code]);
  const schema = jsonSchema(ErrorEnvelope, 'output');
  return Object.fromEntries(
    [...byStatus].map(([status, list]) => [
      String(status),
      { description: `Error envelope; code is one of ${list.join(', ')}`, content: { 'application/json': { schema } } },
    ]),
  );
}

export function buildOpenApiDocument(routes: RouteContract[]) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const responses: Record<string, unknown> = {
      ...errorResponses([...(route.auth ? AUTH_ERRORS : []), ...route.errors, 'INTERNAL']),
    };
    for (const [status, r] of Object.entries(route.responses)) {
      responses[status] = {
        description: r.description,
        ...(r.schema ? { content: { 'application/json': { schema: jsonSchema(r.schema, 'output') } } } : {}),
      };
    }
    paths[route.path] = {
      ...paths[route.path],
      [route.method]: {
        summary: route.summary,
        ...(route.auth ? { security: [{ examToken: [] }] } : { security: [] }),
        ...(route.query
          ? {
              parameters: Object.entries(route.query.shape).map(([name, schema]) => ({
                name,
                in: 'query',
                required: true,
                schema: jsonSchema(schema as z.ZodType, 'input'),
              })),
            }
          : {}),
        ...(route.binaryBody
          ? {
              requestBody: {
                required: true,
                content: Object.fromEntries(
                  route.binaryBody.map((type) => [type, { schema: { type: 'string', contentMediaType: type } }]),
                ),
              },
            }
          : {}),
        ...(route.request
          ? {
              requestBody: {
                required: true,
                content: {
                  'application/json': {
                    schema: jsonSchema(documentedRequest(route.request), 'input'),
                    ...mediaExamples(documentedRequest(route.request)),
                  },
                },
              },
            }
          : {}),
        responses,
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Proctor edge API',
      version: '1.0.0',
      description: 'Session lifecycle and anomaly-event ingest. Every error is {error:{code,message,requestId}}.',
    },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    components: {
      securitySchemes: {
        examToken: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: "The exam platform's RS256 token",
        },
      },
    },
    paths,
  };
}
