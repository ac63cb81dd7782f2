// The closed set of error codes and the one place each is mapped to its HTTP status.
import { z } from 'zod';

/** Every code maps to exactly one status. Add a code here or nowhere. */
export const ERROR_STATUS = {
  MALFORMED_JSON: 400,
  VALIDATION_FAILED: 400,
  UNAUTHENTICATED: 401,
  TOKEN_INVALID: 401,
  TOKEN_EXPIRED: 401,
  TOKEN_TOO_LARGE: 401,
  FORBIDDEN: 403,
  /** A sign-in POST from an origin that is neither the dashboard nor a configured exam platform (login CSRF). */
  SIGNIN_ORIGIN_REFUSED: 403,
  THUMBNAILS_DISABLED: 403,
  SESSION_MISMATCH: 403,
  EXAM_CONFIG_LOOSENED: 403,
  ACCOMMODATION_NOT_ALLOWED: 403,
  NOT_FOUND: 404,
  SESSION_NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  SESSION_ENDED: 409,
  POLICY_VERSION_CONFLICT: 409,
  /** The session was erased: it stays closed while its exam token could still be valid (never re-open it). */
  SESSION_ERASED: 410,
  /** A tenant policy save that a schedule policy of the tenant would no longer combine with (its starts would fail). */
  SCHEDULE_POLICY_CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  /** A receipt listing more events than one verification hashes (RECEIPT_MAX_EVENTS in the dashboard). */
  RECEIPT_TOO_MANY_EVENTS: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  THUMBNAIL_NOT_IMAGE: 415,
  THUMBNAIL_TOO_LARGE: 422,
  RATE_LIMITED: 429,
  /** The session's dedupe marks are at their cap (EVENT_MARKS_MAX): no more distinct events until they expire. */
  SESSION_EVENT_CAP: 429,
  INTERNAL: 500,
  SERVICE_UNAVAILABLE: 503,
} as const satisfies Record<string, number>;

export type ErrorCode = keyof typeof ERROR_STATUS;
export const ErrorCode = z.enum(Object.keys(ERROR_STATUS) as [ErrorCode, ...ErrorCode[]]);

export function statusOf(code: ErrorCode): (typeof ERROR_STATUS)[ErrorCode] {
  return ERROR_STATUS[code];
}

/** The one error envelope every service answers with. */
export const ErrorEnvelope = z.object({
  error: z.object({
    code: ErrorCode,
    message: z.string(),
    requestId: z.string(),
    details: z.unknown().optional(),
  }),
});
export type ErrorEnvelope = z.infer<typeof ErrorEnvelope>;

/** The envelope for one error; `details` only when there are some. */
export function errorEnvelope(code: ErrorCode, message: string, requestId: string, details?: unknown): ErrorEnvelope {
  return { error: { code, message, requestId, ...(details === undefined ? {} : { details }) } };
}

/**
 * An expected failure with a contract code, thrown where returning a value is awkward. Each service has one exit
 * that turns it into the envelope (the edge's onError, the dashboard's middleware); `headers` ride along, such as
 * Retry-After or WWW-Authenticate.
 */
export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly details: unknown;
  readonly headers: Record<string, string>;
  constructor(code: ErrorCode, message: string, options: { details?: unknown; headers?: Record<string, string> } = {}) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.details = options.details;
    this.headers = options.headers ?? {};
  }
}

/**
 * Codes used for one rejected event inside an otherwise accepted batch (reported per index and eventId, with a
 * message that names the accepted form or the limit). One code a line.
 */
export const EventRejectionCode = z.enum([
  /** The event's shape or a details field is wrong (type, confidence, durationMillis, …). */
  'INVALID_EVENT',
  /** eventId is not 1–128 characters of A-Za-z0-9 . _ : - */
  'INVALID_EVENT_ID',
  /** timestamp is neither ISO-8601 with Z or an offset nor epoch milliseconds. */
  'INVALID_TIMESTAMP',
  /** timestamp is further ahead of the edge's clock than EVENT_LIMITS.maxFutureSkewMs. */
  'TIMESTAMP_OUT_OF_RANGE',
  /** timestamp is older than EVENT_LIMITS.maxEventAgeMs: the edge no longer accepts it. */
  'EVENT_TOO_OLD',
]);
export type EventRejectionCode = z.infer<typeof EventRejectionCode>;
