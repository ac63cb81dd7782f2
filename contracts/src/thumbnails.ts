// Optional alert thumbnails: the hard limits, the tenant-scoped object key layout and the upload API's shapes.
import { z } from 'zod';
import { EpochMillis, EventId, ExternalId } from './ids.ts';
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

/**
 * The session's thumbnails opt-in, as the session's resolved config carries it (`config.thumbnails`, agreed names
 * with the tenant-policy work): off unless the tenant turned it on.
 */
export const SessionThumbnails = z.object({
  enabled: z.boolean().default(false),
  types: z
    .array(z.enum(['MULTI_PERSON', 'NO_FACE', 'CAMERA_BLOCKED']))
    .default(['MULTI_PERSON', 'NO_FACE', 'CAMERA_BLOCKED']),
  maxPerHour: z.number().int().min(0).max(60).default(6),
});
export type SessionThumbnails = z.infer<typeof SessionThumbnails>;
export const THUMBNAILS_OFF: SessionThumbnails = { enabled: false, types: [], maxPerHour: 0 };

/** Query of POST /thumbnails: the body is the image bytes themselves (Content-Type image/jpeg or image/webp). */
export const ThumbnailUploadQuery = z
  .object({ sessionId: SessionId, eventId: EventId, type: z.enum(['MULTI_PERSON', 'NO_FACE', 'CAMERA_BLOCKED']) })
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
