// Optional alert thumbnails: the hard limits, the tenant-scoped object key layout and the upload API's shapes.
import { z } from 'zod';
import { EpochMillis, EventId, ExternalId } from './ids.ts';
import { type ThumbnailsPolicy, ThumbnailType } from './policy.ts';
import { sessionKey } from './redisKeys.ts';
import { SessionId } from './session.ts';

/** The limits every thumbnail must meet, checked by the client before it sends and by the edge before it stores. */
export const THUMBNAIL_LIMITS = {
  /** Bytes of one image: a 96 px still at JPEG/WebP quality ~0.5 is 1.5–3 KB. */
  maxBytes: 5 * 1024,
  maxWidth: 96,
  /** A 96 px wide image of any sensible aspect; guards against 96×10000 strips. */
  maxHeight: 96,
  contentTypes: ['image/jpeg', 'image/webp'],
} as const;

export const ThumbnailContentType = z.enum(THUMBNAIL_LIMITS.contentTypes);
export type ThumbnailContentType = z.infer<typeof ThumbnailContentType>;

/** Every thumbnail object lives under its tenant's prefix, so listing, expiry and erasure never cross tenants. */
export const thumbnailTenantPrefix = (tenantId: string) => `thumbnails/${tenantId}/`;
export const thumbnailSessionPrefix = (tenantId: string, sessionId: string) =>
  `${thumbnailTenantPrefix(tenantId)}${sessionId}/`;
/** One thumbnail per event: the event id it illustrates names it, so a retried upload overwrites, never adds. */
export const thumbnailKey = (tenantId: string, sessionId: string, eventId: string) =>
  `${thumbnailSessionPrefix(tenantId, sessionId)}${eventId}`;

/** Thumbnails are off for a session whose resolved config carries no opt-in (started before policies existed). */
export const THUMBNAILS_OFF: ThumbnailsPolicy = { enabled: false, types: [], maxPerHour: 0 };

/** Query of POST /thumbnails: the body is the image bytes themselves (Content-Type image/jpeg or image/webp). */
export const ThumbnailUploadQuery = z
  .object({
    sessionId: SessionId,
    // The id becomes the last segment of an object key: starting alphanumeric rules out "." and ".." segments,
    // which a filesystem-backed store could resolve outside the session's prefix.
    eventId: EventId.regex(/^[A-Za-z0-9]/, 'must start with a letter or digit'),
    type: ThumbnailType,
  })
  .strict();
export type ThumbnailUploadQuery = z.infer<typeof ThumbnailUploadQuery>;

export const ThumbnailUploadResponse = z.object({
  sessionId: SessionId,
  eventId: EventId,
  tenantId: ExternalId,
  bytes: z.number().int().positive(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  contentType: ThumbnailContentType,
  storedAt: EpochMillis,
});
export type ThumbnailUploadResponse = z.infer<typeof ThumbnailUploadResponse>;

/** The session's thumbnail slots in the last hour: a sorted set of eventIds scored by upload time (edge only). */
export const thumbnailSlotsKey = (sessionId: string, prefix?: string) => sessionKey(sessionId, 'thumbs', prefix);
