// POST /sessions/heartbeat: keeps the session and its liveness deadline alive (two Redis round trips: the session
// script, its limit first, then the deadline in its liveness shard, another hash slot; sessions/sessionLifecycle.ts).
import { HeartbeatResponse, SessionRefBody } from '@proctor/contracts';
import { fromStore } from '../errors.ts';
import { controlWindow, sessionLimited } from '../events/rateLimit.ts';
import { edgeRoute, examTokenJsonRoute } from '../http/openapi.ts';
import { ACTIVE_SESSION_ERRORS, assertActive, assertOwnSession } from '../sessions/requireSession.ts';
import { touchSession } from '../sessions/sessionLifecycle.ts';

const route = examTokenJsonRoute({
  path: '/sessions/heartbeat',
  summary: 'Report that the candidate is still connected; refreshes the session TTL and its liveness deadline',
  body: SessionRefBody,
  ok: { schema: HeartbeatResponse, statuses: { 200: 'Alive; send the next heartbeat in nextInSeconds' } },
  errors: ACTIVE_SESSION_ERRORS,
});

export const sessionsHeartbeat = edgeRoute(route, async (c) => {
  const { claims, sessionId } = c.get('caller');
  const { redis, clock, config, logger } = c.var;
  const body = c.req.valid('json');
  assertOwnSession(body.sessionId, sessionId);
  const now = clock.now();
  // The limit is checked first, inside the touch script: a refused heartbeat touches nothing.
  const touched = await fromStore(
    logger,
    'heartbeat',
    touchSession(redis, config.REDIS_KEY_PREFIX, sessionId, now, controlWindow(redis, config, sessionId, now)),
  );
  if ('refusedUntil' in touched) throw sessionLimited(touched.refusedUntil, now);
  const { state } = touched;
  assertActive(state, claims.tenant_id);
  const response: HeartbeatResponse = { sessionId, serverTime: now, nextInSeconds: state.heartbeatIntervalSeconds };
  return c.json(response, 200);
});
