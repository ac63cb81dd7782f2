// POST /thumbnails: stores one tiny still illustrating one event of the caller's session, only if its tenant opted in.
import { createRoute } from '@hono/zod-openapi';
import {
  ApiError,
  THUMBNAIL_LIMITS,
  ThumbnailContentType,
  ThumbnailUploadQuery,
  ThumbnailUploadResponse,
  thumbnailKey,
} from '@proctor/contracts';
import { createObjectStore, type ObjectStore } from '@proctor/contracts/objects';
import type { EdgeEnv } from '../env.ts';
import { fromStore, unavailable } from '../errors.ts';
import { AUTH_ERRORS, EXAM_TOKEN, edgeRoute, errorResponses, jsonContent } from '../http/openapi.ts';
import { readCapped } from '../http/readJsonBody.ts';
import { assertActive, assertOwnSession } from '../sessions/requireSession.ts';
import { readImageHeader } from '../thumbnails/imageHeader.ts';
import { readThumbnailSession, takeThumbnailSlot } from '../thumbnails/thumbnailSession.ts';

/** One client per isolate and config: aws4fetch caches derived signing keys inside it. */
let cached: { config: EdgeEnv; store: ObjectStore } | undefined;
function objectStore(config: EdgeEnv): ObjectStore | undefined {
  const { S3_ENDPOINT, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY } = config;
  if (!S3_ENDPOINT || !S3_ACCESS_KEY_ID || !S3_SECRET_ACCESS_KEY) return undefined;
  if (cached?.config !== config) {
    const store = createObjectStore({
      endpoint: S3_ENDPOINT,
      bucket: config.S3_BUCKET,
      accessKeyId: S3_ACCESS_KEY_ID,
      secretAccessKey: S3_SECRET_ACCESS_KEY,
      region: config.S3_REGION,
      timeoutMs: config.UPSTREAM_TIMEOUT_MS,
    });
    cached = { config, store };
  }
  return cached.store;
}

const route = createRoute({
  method: 'post',
  path: '/thumbnails',
  summary:
    'Store one thumbnail (image/jpeg or image/webp, at most 5 KB and 96×96 px) for one event of the session; ' +
    'only when the tenant opted in, at most maxPerHour events per session-hour',
  security: EXAM_TOKEN,
  request: {
    query: ThumbnailUploadQuery,
    // Raw bytes, checked by the handler itself (declared type, size, then the image header): no JSON validator.
    body: {
      required: true,
      content: Object.fromEntries(
        THUMBNAIL_LIMITS.contentTypes.map((type) => [type, { schema: { type: 'string', contentMediaType: type } }]),
      ),
    },
  },
  responses: {
    201: {
      description: 'Stored (a retry for the same event overwrites it)',
      content: jsonContent(ThumbnailUploadResponse),
    },
    ...errorResponses([
      ...AUTH_ERRORS,
      'VALIDATION_FAILED',
      'UNSUPPORTED_MEDIA_TYPE',
      'PAYLOAD_TOO_LARGE',
      'THUMBNAIL_NOT_IMAGE',
      'THUMBNAIL_TOO_LARGE',
      'THUMBNAILS_DISABLED',
      'SESSION_MISMATCH',
      'SESSION_NOT_FOUND',
      'SESSION_ENDED',
      'RATE_LIMITED',
      'SERVICE_UNAVAILABLE',
    ]),
  },
});

export const thumbnails = edgeRoute(route, async (c) => {
  const { sessionId } = c.get('caller');
  const { redis, clock, config, logger } = c.var;
  // Pure checks first (the query was validated before this runs), so bad input costs no Redis call, takes no slot
  // and stores nothing.
  const query = c.req.valid('query');
  const { eventId, type } = query;
  assertOwnSession(query.sessionId, sessionId);
  const declared = ThumbnailContentType.safeParse(c.req.header('Content-Type')?.split(';')[0]?.trim().toLowerCase());
  if (!declared.success) throw new ApiError('UNSUPPORTED_MEDIA_TYPE', 'Content-Type must be image/jpeg or image/webp');
  const length = c.req.header('Content-Length');
  if (length !== undefined && Number(length) > THUMBNAIL_LIMITS.maxBytes) {
    throw new ApiError('PAYLOAD_TOO_LARGE', `a thumbnail is at most ${THUMBNAIL_LIMITS.maxBytes} bytes`);
  }
  const bytes = await readCapped(c.req.raw.body, THUMBNAIL_LIMITS.maxBytes);
  const header = readImageHeader(bytes);
  if (!header.ok) throw new ApiError('THUMBNAIL_NOT_IMAGE', header.reason);
  const { image } = header;
  if (image.contentType !== declared.data) {
    throw new ApiError(
      'THUMBNAIL_NOT_IMAGE',
      `Content-Type says ${declared.data} but the bytes are ${image.contentType}`,
    );
  }
  if (image.width > THUMBNAIL_LIMITS.maxWidth || image.height > THUMBNAIL_LIMITS.maxHeight) {
    throw new ApiError(
      'THUMBNAIL_TOO_LARGE',
      `image is ${image.width}×${image.height} px; at most ${THUMBNAIL_LIMITS.maxWidth}×${THUMBNAIL_LIMITS.maxHeight}`,
    );
  }

  const { state, thumbnails: optIn } = await fromStore(
    logger,
    'thumbnail_session',
    readThumbnailSession(redis, config.REDIS_KEY_PREFIX, sessionId),
  );
  const { tenant_id } = c.get('caller').claims;
  assertActive(state, tenant_id);
  if (!optIn.enabled) throw new ApiError('THUMBNAILS_DISABLED', "this session's policy does not allow thumbnails");
  if (!optIn.types.includes(type)) {
    throw new ApiError('THUMBNAILS_DISABLED', `this session's policy does not allow thumbnails for ${type}`);
  }
  const store = objectStore(config);
  if (!store) throw unavailable('thumbnail storage');

  const now = clock.now();
  const slot = await fromStore(
    logger,
    'thumbnail_slot',
    takeThumbnailSlot(redis, config.REDIS_KEY_PREFIX, sessionId, eventId, optIn.maxPerHour, now),
  );
  if (!slot.ok) {
    throw new ApiError('RATE_LIMITED', `at most ${optIn.maxPerHour} thumbnails per session-hour`, {
      headers: { 'Retry-After': String(slot.retryAfterSeconds) },
    });
  }
  // Keyed by tenant, session and event: listing, expiry and erasure stay inside one tenant's prefix.
  const key = thumbnailKey(tenant_id, sessionId, eventId);
  try {
    await store.put(key, new Uint8Array(bytes), image.contentType);
  } catch (err) {
    logger.warn('thumbnail_store_failed', { sessionId, error: String(err) });
    throw unavailable('thumbnail storage');
  }
  c.get('requestLog').thumbnail = { eventId, bytes: bytes.length, width: image.width, height: image.height };
  const body: ThumbnailUploadResponse = {
    sessionId,
    eventId,
    tenantId: tenant_id,
    bytes: bytes.length,
    width: image.width,
    height: image.height,
    contentType: image.contentType,
    storedAt: now,
  };
  return c.json(body, 201);
});
