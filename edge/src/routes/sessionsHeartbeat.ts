// POST /sessions/heartbeat: the candidate is still connected. No Redis at all (Upstash bills per command, and this is
// the most frequent request): the token is verified, the session's own heartbeat limit checked without Redis
// (sessions/heartbeatLimit.ts), and a heartbeat record produced to Kafka on the session's partition, in one produce
// with the isolate's other heartbeats and batches of the moment (kafka/sharedProduce.ts). The processor moves the session's liveness
// deadline from it on its own Redis, and drops one of an ended or unknown session.
import {
  EXAM_CONFIG_DEFAULTS,
  type HeartbeatRecord,
  HeartbeatResponse,
  KAFKA_SCHEMA_VERSION,
  SessionRefBody,
} from '@proctor/contracts';
import { unavailable } from '../errors.ts';
import { rateLimited } from '../events/rateLimit.ts';
import { edgeRoute, examTokenJsonRoute } from '../http/openapi.ts';
import { produceShared, RECORD_OVERHEAD_BYTES } from '../kafka/sharedProduce.ts';
import { heartbeatAllowed } from '../sessions/heartbeatLimit.ts';
import { assertOwnSession } from '../sessions/requireSession.ts';

const route = examTokenJsonRoute({
  path: '/sessions/heartbeat',
  summary:
    "Report that the candidate is still connected; durable in Kafka on a 200. The session's state is not read: a " +
    'heartbeat of an ended or unknown session is accepted and dropped by the processor',
  body: SessionRefBody,
  ok: {
    schema: HeartbeatResponse,
    statuses: { 200: "Alive; nextInSeconds is the token's signed interval, else the default" },
  },
  errors: ['SESSION_MISMATCH', 'RATE_LIMITED', 'SERVICE_UNAVAILABLE'],
});

export const sessionsHeartbeat = edgeRoute(route, async (c) => {
  const { claims, sessionId } = c.get('caller');
  const { clock, config, logger } = c.var;
  const body = c.req.valid('json');
  assertOwnSession(body.sessionId, sessionId);
  const now = clock.now();
  const limit = await heartbeatAllowed(sessionId, config.RATE_LIMIT_SESSION_CONTROL_PER_MINUTE, now);
  if (!limit.ok) throw rateLimited({ scope: 'session', retryAfterSeconds: limit.retryAfterSeconds });
  const record: HeartbeatRecord = {
    schemaVersion: KAFKA_SCHEMA_VERSION,
    kind: 'heartbeat',
    tenantId: claims.tenant_id,
    sessionId,
    receivedAt: now,
  };
  const produced = await produceShared(
    c,
    [{ key: sessionId, value: record }],
    config.HEARTBEAT_COALESCE_MS,
    RECORD_OVERHEAD_BYTES,
  );
  if (!produced.ok) {
    logger.warn('kafka_produce_failed', { op: 'heartbeat', reason: produced.reason });
    throw unavailable('event stream');
  }
  // The session's own interval was answered by its start; a policy may have set it, which this route does not read.
  const nextInSeconds =
    claims.proctoring?.examConfig?.heartbeatIntervalSeconds ?? EXAM_CONFIG_DEFAULTS.heartbeatIntervalSeconds;
  const response: HeartbeatResponse = { sessionId, serverTime: now, nextInSeconds };
  return c.json(response, 200);
});
