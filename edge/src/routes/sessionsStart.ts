// POST /sessions/start: opens (or resumes) the session the token names and announces it on Kafka.
import {
  ApiError,
  KAFKA_SCHEMA_VERSION,
  resolveSessionConfig,
  SessionStartBody,
  type SessionStartedRecord,
  SessionStartResponse,
  tombstoneTtlSeconds,
} from '@proctor/contracts';
import { fromStore, unavailable } from '../errors.ts';
import { controlWindow, sessionLimited } from '../events/rateLimit.ts';
import { edgeRoute, examTokenJsonRoute } from '../http/openapi.ts';
import { readPolicies } from '../sessions/policyStore.ts';
import { startSession } from '../sessions/sessionLifecycle.ts';

/** A start body is a config and a few client facts: 16 KiB is generous. */
const MAX_START_BODY_BYTES = 16 * 1024;

const route = examTokenJsonRoute({
  path: '/sessions/start',
  summary: 'Start the proctoring session named by the token, or resume it (resumed: true) if already active',
  read: { maxBytes: MAX_START_BODY_BYTES, emptyValue: {} },
  body: SessionStartBody,
  ok: {
    schema: SessionStartResponse,
    statuses: { 201: 'Session started', 200: 'Session was already active and is resumed unchanged' },
  },
  errors: [
    'FORBIDDEN',
    'EXAM_CONFIG_LOOSENED',
    'ACCOMMODATION_NOT_ALLOWED',
    'SESSION_ENDED',
    'SESSION_ERASED',
    'RATE_LIMITED',
    'SERVICE_UNAVAILABLE',
  ],
});

export const sessionsStart = edgeRoute(route, async (c) => {
  const { claims, sessionId } = c.get('caller');
  const { redis, producer, clock, config, logger } = c.var;
  const body = c.req.valid('json');
  // Thresholds decide what counts as cheating: `deny` keeps every threshold out of the browser's hands.
  const bodySetsConfig = Object.keys(body.examConfig).length > 0 || body.accommodations !== undefined;
  if (bodySetsConfig && config.EXAM_CONFIG_FROM_BODY === 'deny') {
    throw new ApiError('FORBIDDEN', "exam config and accommodations must come from the token's proctoring claim");
  }

  // The tenant and identity come from the verified token only, never from the body.
  const now = clock.now();
  // The published policies come from the isolate's cache when it has them (sessions/policyStore.ts). Reading them
  // changes nothing, so the limit can wait for the start's own script.
  const policies = await fromStore(
    logger,
    'session_start_policies',
    readPolicies(
      c.var.shards.tenant(claims.tenant_id),
      config.REDIS_KEY_PREFIX,
      claims.tenant_id,
      claims.exam_schedule_id,
      now,
      config.POLICY_CACHE_SECONDS * 1000,
    ),
  );
  // Signed claim > schedule policy > tenant policy > defaults; the body may only tighten (refused otherwise).
  const resolved = resolveSessionConfig({
    userId: claims.user_id,
    claim: claims.proctoring,
    schedule: policies.schedule,
    tenant: policies.tenant,
    body,
  });
  if (!resolved.ok) {
    logger.info('exam_config_refused', { sessionId, code: resolved.code, field: resolved.field });
    throw new ApiError(resolved.code, resolved.message, { details: resolved.details ?? { field: resolved.field } });
  }
  const tombstoneTtl = tombstoneTtlSeconds(claims.exp, now, config.JWT_CLOCK_TOLERANCE_SECONDS);
  // One script: the tombstone, the start/end budget (checked before acting, so a refused call changes nothing), then
  // the session created or resumed.
  const started = await fromStore(
    logger,
    'session_start',
    startSession(
      redis,
      config.REDIS_KEY_PREFIX,
      sessionId,
      claims,
      resolved.config,
      now,
      tombstoneTtl,
      controlWindow(config, sessionId, now),
    ),
  );
  if ('refusedUntil' in started) throw sessionLimited(started.refusedUntil, now);
  // A closed session stays closed (its tombstone): the id comes from the token, so a start would revive it.
  if ('closed' in started && started.closed === 'erased')
    throw new ApiError('SESSION_ERASED', "this session's data was erased; it cannot be started again");
  if ('closed' in started || started.session.status === 'ended')
    throw new ApiError('SESSION_ENDED', 'this session has ended; a new attempt needs a new token');
  const { created, session } = started;

  // Announced on every start, resumes included: a start whose produce failed (503) is then repaired by the
  // client's retry, and the processor upserts by sessionId, so a repeat changes nothing.
  const record: SessionStartedRecord = {
    schemaVersion: KAFKA_SCHEMA_VERSION,
    kind: 'session_started',
    tenantId: session.tenantId,
    sessionId,
    receivedAt: now,
    session: {
      examScheduleId: session.examScheduleId,
      userId: session.userId,
      attemptNo: session.attemptNo,
      examConfig: session.examConfig,
      ...(session.config.accommodation ? { accommodation: session.config.accommodation } : {}),
      startedAt: session.startedAt,
    },
  };
  const produced = await producer.produce(config.KAFKA_TOPIC, [{ key: sessionId, value: record }]);
  if (!produced.ok) {
    logger.warn('kafka_produce_failed', { op: 'session_started', reason: produced.reason });
    throw unavailable('event stream');
  }
  logger.info(created ? 'session_started' : 'session_resumed', { sessionId, tenantId: session.tenantId });
  // Parsing strips the store's extra fields (endReason) from the view.
  const view = SessionStartResponse.parse({ session, resumed: !created, config: session.config });
  return created ? c.json(view, 201) : c.json(view, 200);
});
