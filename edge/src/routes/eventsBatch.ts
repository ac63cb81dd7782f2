// POST /events/batch: validates each event, drops duplicates, and answers 2xx only once every accepted event is
// durable in Kafka (keyed by sessionId, in one produce call with the isolate's other batches and heartbeats of the
// moment: kafka/sharedProduce.ts).
import {
  ApiError,
  EVENT_LIMITS,
  EVENT_MARKS_MAX,
  EventBatchBody,
  EventBatchResponse,
  type EventRecord,
  KAFKA_SCHEMA_VERSION,
  SESSION_STATE_TTL_SECONDS,
} from '@proctor/contracts';
import { fromStore, unavailable } from '../errors.ts';
import { admitBatch } from '../events/admitBatch.ts';
import { markDone, releaseClaims } from '../events/dedupe.ts';
import { createRateLimits, rateLimited, sessionLimited } from '../events/rateLimit.ts';
import { validateEvents } from '../events/validateEvents.ts';
import { edgeRoute, examTokenJsonRoute } from '../http/openapi.ts';
import { produceShared, RECORD_OVERHEAD_BYTES } from '../kafka/sharedProduce.ts';
import { ACTIVE_SESSION_ERRORS, assertActive, assertOwnSession } from '../sessions/requireSession.ts';

const route = examTokenJsonRoute({
  path: '/events/batch',
  summary: 'Submit up to 100 anomaly events; invalid ones are rejected by eventId, repeats are reported as duplicates',
  read: { maxBytes: EVENT_LIMITS.maxBodyBytes },
  body: EventBatchBody,
  ok: { schema: EventBatchResponse, statuses: { 200: 'Every accepted event is durable in Kafka' } },
  errors: [...ACTIVE_SESSION_ERRORS, 'SESSION_EVENT_CAP'],
});

export const eventsBatch = edgeRoute(route, async (c) => {
  const { claims, sessionId } = c.get('caller');
  const { redis, clock, config, logger } = c.var;
  const prefix = config.REDIS_KEY_PREFIX;
  const body = c.req.valid('json');
  assertOwnSession(body.sessionId, sessionId);
  const now = clock.now();
  const { valid, rejected, repeats } = validateEvents(body.events, now);
  const ids = valid.map((e) => e.eventId);

  // One round trip, one script (an HMGET and an HSET inside) over the session's hash, for its own checks, in order: its
  // event budget (every event of the body counted, so a spent budget refuses before anything is written), the
  // session, then a claim per event unless the session's marks are at their cap.
  const limits = createRateLimits(c.var.shards.tenant, config);
  const admission = await fromStore(
    logger,
    'events_claim',
    admitBatch(redis, prefix, sessionId, limits.session(sessionId, body.events.length, now), ids),
  );
  if (admission.kind === 'over_budget') throw sessionLimited(admission.reset, now);
  const { state, marks } = admission;
  const claimed = marks === 'full' ? [] : ids.filter((_, i) => marks[i] === 'claimed');
  const release = () =>
    c.executionCtx.waitUntil(
      releaseClaims(redis, prefix, sessionId, claimed).catch((err: unknown) =>
        logger.warn('redis_release_failed', { error: String(err) }),
      ),
    );
  try {
    assertActive(state, claims.tenant_id);
  } catch (err) {
    release();
    throw err;
  }
  // A batch the marks cannot hold is refused whole (a 429 the client retries), never partly dropped.
  if (marks === 'full') {
    throw new ApiError(
      'SESSION_EVENT_CAP',
      `this session already sent ${EVENT_MARKS_MAX} distinct events; no more are accepted for now`,
      { headers: { 'Retry-After': String(SESSION_STATE_TTL_SECONDS) } },
    );
  }
  // No liveness write here: the processor moves the session's deadline when it applies these records.
  const toProduce = valid.filter((_, i) => marks[i] !== 'done');
  const duplicates = repeats + (valid.length - toProduce.length);
  // Only now, past the session's own checks, is the tenant charged, and only for the events it will produce: from the
  // isolate's lease of the tenant's tokens, a Redis call only when the lease runs out (events/tenantLease.ts).
  const tenantLimit = toProduce.length
    ? await fromStore(logger, 'events_tenant_limit', limits.tenant(claims.tenant_id, toProduce.length, now))
    : undefined;
  if (tenantLimit && !tenantLimit.ok) {
    release();
    throw rateLimited({ scope: 'tenant', retryAfterSeconds: tenantLimit.retryAfterSeconds });
  }
  if (tenantLimit?.ok && tenantLimit.failedOpen) {
    logger.warn('rate_limit_failed_open', { sessionId });
  }
  if (toProduce.length > 0) {
    const records = toProduce.map((event) => {
      const value: EventRecord = {
        schemaVersion: KAFKA_SCHEMA_VERSION,
        kind: 'event',
        tenantId: claims.tenant_id,
        sessionId,
        receivedAt: now,
        event,
      };
      return { key: sessionId, value };
    });
    // In the isolate's shared call of the next EVENTS_COALESCE_MS (with other batches and heartbeats); the body's
    // bytes bound the events' (Hono keeps the body it read).
    const bodyBytes = (await c.req.arrayBuffer()).byteLength;
    const produced = await produceShared(
      c,
      records,
      config.EVENTS_COALESCE_MS,
      bodyBytes + records.length * RECORD_OVERHEAD_BYTES,
    );
    if (!produced.ok) {
      logger.warn('kafka_produce_failed', { op: 'events', events: records.length, reason: produced.reason });
      // Nothing is assumed durable: free our marks now so that the client's retry is not taken for a duplicate, and
      // give the tenant's tokens back to the lease.
      if (tenantLimit?.ok) tenantLimit.refund();
      await releaseClaims(redis, prefix, sessionId, claimed).catch(() => {});
      throw unavailable('event stream');
    }
    // Durable now. If this write fails the marks stay 'pending' and expire; a retry re-produces (idempotent).
    await markDone(
      redis,
      prefix,
      sessionId,
      toProduce.map((e) => e.eventId),
    ).catch((err: unknown) => logger.warn('redis_mark_done_failed', { error: String(err) }));
  }
  const response: EventBatchResponse = { accepted: toProduce.length, duplicates, rejected };
  // The outcome rides on the request's http_request line (init middleware): one console.log per batch, not two.
  Object.assign(c.var.requestLog, {
    sessionId,
    accepted: response.accepted,
    duplicates,
    rejected: rejected.length,
  });
  return c.json(response, 200);
});
