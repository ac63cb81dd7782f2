// POST /sessions/end: closes the session (later events get 409) and announces the end (the processor then drops it
// from liveness).
import {
  ApiError,
  KAFKA_SCHEMA_VERSION,
  SessionEndBody,
  type SessionEndedRecord,
  SessionEndResponse,
  tombstoneTtlSeconds,
} from '@proctor/contracts';
import { fromStore, unavailable } from '../errors.ts';
import { controlWindow, sessionLimited } from '../events/rateLimit.ts';
import { edgeRoute, examTokenJsonRoute } from '../http/openapi.ts';
import { assertOwnSession } from '../sessions/requireSession.ts';
import { endSession } from '../sessions/sessionLifecycle.ts';

const route = examTokenJsonRoute({
  path: '/sessions/end',
  summary: 'End the session; idempotent (ending again answers the first end and re-announces it)',
  body: SessionEndBody,
  ok: { schema: SessionEndResponse, statuses: { 200: 'Session ended' } },
  errors: ['SESSION_MISMATCH', 'SESSION_NOT_FOUND', 'FORBIDDEN', 'RATE_LIMITED', 'SERVICE_UNAVAILABLE'],
});

export const sessionsEnd = edgeRoute(route, async (c) => {
  const { claims, sessionId } = c.get('caller');
  const { redis, producer, clock, config, logger } = c.var;
  const body = c.req.valid('json');
  assertOwnSession(body.sessionId, sessionId);
  const now = clock.now();
  // One script: the start/end budget (checked before acting, so a refused call changes nothing), then the end. Marked
  // ended before it is announced, so no event slips in after the record that closes the session.
  const ended = await fromStore(
    logger,
    'session_end',
    endSession(
      redis,
      config.REDIS_KEY_PREFIX,
      sessionId,
      body.reason,
      tombstoneTtlSeconds(claims.exp, now, config.JWT_CLOCK_TOLERANCE_SECONDS),
      controlWindow(config, sessionId, now),
    ),
  );
  if ('refusedUntil' in ended) throw sessionLimited(ended.refusedUntil, now);
  const { session } = ended;
  if (!session) throw new ApiError('SESSION_NOT_FOUND', 'no such session (expired or never started)');
  if (session.tenantId !== claims.tenant_id) throw new ApiError('FORBIDDEN', 'session belongs to another tenant');

  // A retried end (after a 503 here) re-announces the first end: same endedAt and reason, so it is idempotent.
  const record: SessionEndedRecord = {
    schemaVersion: KAFKA_SCHEMA_VERSION,
    kind: 'session_ended',
    tenantId: session.tenantId,
    sessionId,
    receivedAt: now,
    endedAt: session.endedAt ?? now,
    reason: session.endReason ?? body.reason,
  };
  const produced = await producer.produce(config.KAFKA_TOPIC, [{ key: sessionId, value: record }]);
  if (!produced.ok) {
    logger.warn('kafka_produce_failed', { op: 'session_ended', reason: produced.reason });
    throw unavailable('event stream');
  }
  logger.info('session_ended', { sessionId, tenantId: session.tenantId, reason: record.reason });
  return c.json(SessionEndResponse.parse({ session }), 200);
});
