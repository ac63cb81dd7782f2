// The parts of an OpenAPI route both HTTP services (edge and dashboard, each on @hono/zod-openapi) describe alike:
// JSON content with the schema's own examples, and one error response per status naming the codes it carries.
import { z } from 'zod';
import { ERROR_STATUS, type ErrorCode, ErrorEnvelope } from '../errors.ts';

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

/** What a body-reading route can answer besides its own codes (the body limit, the media type, JSON, the schema). */
export const BODY_ERRORS: ErrorCode[] = [
  'MALFORMED_JSON',
  'VALIDATION_FAILED',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
];
