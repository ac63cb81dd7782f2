// A session's edge state in Redis (one hash with a TTL) and its entry in the sharded liveness sorted set.
//
// The session's own check-and-write is one Lua script over its `{sessionId}` keys: one round trip, atomic, so a
// status check and the writes that depend on it cannot interleave with another request's. Its liveness entry lives in
// a shard `{liveness:N}` shared with many other sessions, which can never sit in the session's hash slot, and Redis
// Cluster refuses a script over two slots (CROSSSLOT). So the shard write is a second single-slot command, ordered
// after the script where it depends on its answer. Why each crash window between the two is safe:
// - start: the script, then ZADD of the deadline, both before the 2xx. A 2xx therefore means the session is tracked.
//   A failure or crash between them answers no 2xx; the client's retry finds the session active and adds it again.
// - heartbeat: the script, then ZADD, both before the 2xx: a 2xx means the deadline moved.
// - events/batch: its liveness bump is best effort after the response (heartbeats carry the guarantee).
// - end: the script and the ZREM leave together (one pipeline, two nodes); either failing answers 503 and the retry
//   repeats both (the script keeps the first end). A late bump that lands after the ZREM (a heartbeat racing the end)
//   leaves a stray member: the sweeper claims it once and the consumer drops a lapse of an ended session
//   (applyRecord: `session_ended`), so it costs one record and raises nothing.
import {
  defaultSessionConfig,
  type ExamConfig,
  eventMarksKey,
  livenessKey,
  livenessShard,
  livenessWindowMs,
  type ResolvedSessionConfig,
  SESSION_STATE_TTL_SECONDS,
  type SessionIdentity,
  type SessionView,
  sessionStateKey,
  sessionTombstoneKey,
} from '@proctor/contracts';
import type { Redis } from '@upstash/redis/cloudflare';
import { SLIDING_WINDOW_LUA, type WindowCall, type WindowResult } from '../events/rateLimitWindow.ts';
import { evalScript, upstashScript } from '../services/upstashScript.ts';

/** The session's liveness shard (a key of its own slot, see above). */
const sessionLivenessKey = (sessionId: string, prefix: string) => livenessKey(livenessShard(sessionId), prefix);

/** Puts the session in its liveness shard with this deadline (or moves its deadline). */
export async function trackLiveness(redis: Redis, prefix: string, sessionId: string, deadline: number): Promise<void> {
  await redis.zadd(sessionLivenessKey(sessionId, prefix), { score: deadline, member: sessionId });
}

// KEYS: state, tombstone. ARGV: now, ttl, tombstone ttl, then field/value pairs of a new session.
// Returns {created (0|1), HGETALL}; an active session's TTL and lastHeartbeatAt are refreshed. A closed session
// returns {-1, 'ended'|'erased'} and its tombstone is kept at least as long as this (maybe refreshed) token lives.
const START = upstashScript(`
local closed = redis.call('GET', KEYS[2])
if closed then
  if redis.call('TTL', KEYS[2]) < tonumber(ARGV[3]) then redis.call('EXPIRE', KEYS[2], ARGV[3]) end
  return {-1, closed}
end
local status = redis.call('HGET', KEYS[1], 'status')
if not status then
  redis.call('HSET', KEYS[1], unpack(ARGV, 4))
  redis.call('EXPIRE', KEYS[1], ARGV[2])
  return {1, redis.call('HGETALL', KEYS[1])}
end
if status == 'active' then
  redis.call('HSET', KEYS[1], 'lastHeartbeatAt', ARGV[1])
  redis.call('EXPIRE', KEYS[1], ARGV[2])
end
return {0, redis.call('HGETALL', KEYS[1])}
`);

/**
 * Lua: `touchSession(state key, now, ttl)`: an active session gets its TTL and lastHeartbeatAt refreshed. Returns
 * HMGET of the fields parseTouch reads. A function, so that a route's script can run its limit first.
 */
export const TOUCH_LUA = `
local function touchSession(key, now, ttl)
  local s = redis.call('HMGET', key, 'status', 'tenantId', 'heartbeatIntervalSeconds', 'livenessWindowMs')
  if s[1] == 'active' then
    redis.call('HSET', key, 'lastHeartbeatAt', now)
    redis.call('EXPIRE', key, ttl)
  end
  return s
end
`;

// KEYS: the control budget's windows (this, previous), state. ARGV: the window's four, now, ttl.
// The budget first: a refused call touches nothing and returns {left}; otherwise {left, touchSession}.
const LIMITED_TOUCH = upstashScript(`${SLIDING_WINDOW_LUA}${TOUCH_LUA}
local left = rateLimitWindow(KEYS[1], KEYS[2], tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]))
if left < 0 then return {left} end
return {left, touchSession(KEYS[3], ARGV[5], ARGV[6])}
`);

// KEYS: state, event marks, tombstone. ARGV: now, ttl, reason, tombstone ttl. Ending twice keeps the first end.
// An ended session refuses every batch, so its dedupe marks are dropped with it; its tombstone outlives the state for
// as long as the token could still start it again. Returns HGETALL.
const END = upstashScript(`
local status = redis.call('HGET', KEYS[1], 'status')
if not status then return {} end
if status == 'active' then
  redis.call('HSET', KEYS[1], 'status', 'ended', 'endedAt', ARGV[1], 'endReason', ARGV[3])
  redis.call('EXPIRE', KEYS[1], ARGV[2])
end
redis.call('DEL', KEYS[2])
if redis.call('TTL', KEYS[3]) < tonumber(ARGV[4]) then redis.call('SET', KEYS[3], 'ended', 'EX', ARGV[4]) end
return redis.call('HGETALL', KEYS[1])
`);

export interface EdgeSessionState extends SessionView {
  endReason?: 'submitted' | 'timeout' | 'abandoned';
  /** The resolved config the session started with (thresholds, accommodation, opt-ins). */
  config: ResolvedSessionConfig;
}

function toObject(flat: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  const list = Array.isArray(flat) ? (flat as string[]) : [];
  for (let i = 0; i + 1 < list.length; i += 2) out[list[i] as string] = String(list[i + 1]);
  return out;
}

/** Redis holds only what this module wrote, so the shape is trusted here (the hash is never client-written). */
function toSession(sessionId: string, h: Record<string, string>): EdgeSessionState {
  const examConfig = JSON.parse(h.examConfig ?? '{}') as ExamConfig;
  // A session started before policies existed has no stored config: it ran with the defaults' opt-ins.
  const config = h.config ? (JSON.parse(h.config) as ResolvedSessionConfig) : defaultSessionConfig(examConfig);
  return {
    sessionId,
    tenantId: h.tenantId as string,
    examScheduleId: h.examScheduleId as string,
    userId: h.userId as string,
    attemptNo: Number(h.attemptNo),
    status: h.status === 'ended' ? 'ended' : 'active',
    examConfig,
    config,
    startedAt: Number(h.startedAt),
    lastHeartbeatAt: Number(h.lastHeartbeatAt),
    ...(h.endedAt ? { endedAt: Number(h.endedAt) } : {}),
    ...(h.endReason ? { endReason: h.endReason as EdgeSessionState['endReason'] } : {}),
  };
}

export async function startSession(
  redis: Redis,
  prefix: string,
  sessionId: string,
  identity: SessionIdentity,
  config: ResolvedSessionConfig,
  now: number,
  tombstoneTtl: number,
): Promise<{ closed: 'ended' | 'erased' } | { created: boolean; session: EdgeSessionState }> {
  const { examConfig } = config;
  const window = livenessWindowMs(examConfig);
  const fields = {
    status: 'active',
    tenantId: identity.tenant_id,
    examScheduleId: identity.exam_schedule_id,
    userId: identity.user_id,
    attemptNo: String(identity.attempt_no),
    examConfig: JSON.stringify(examConfig),
    config: JSON.stringify(config),
    startedAt: String(now),
    lastHeartbeatAt: String(now),
    heartbeatIntervalSeconds: String(examConfig.heartbeatIntervalSeconds),
    livenessWindowMs: String(window),
  };
  const args = [String(now), String(SESSION_STATE_TTL_SECONDS), String(tombstoneTtl), ...Object.entries(fields).flat()];
  const keys = [sessionStateKey(sessionId, prefix), sessionTombstoneKey(sessionId, prefix)];
  const [created, flat] = (await evalScript(redis, START, keys, args)) as [number, unknown];
  if (created === -1) return { closed: flat === 'erased' ? 'erased' : 'ended' };
  const h = toObject(flat);
  // Tracked before the 2xx (see the top of this file). A resumed session keeps the window it started with.
  if (h.status === 'active') await trackLiveness(redis, prefix, sessionId, now + Number(h.livenessWindowMs || window));
  return { created: created === 1, session: toSession(sessionId, h) };
}

type TouchedState = { tenantId: string; heartbeatIntervalSeconds: number; livenessWindowMs: number };
export type ActiveTouch = { status: 'active' } & TouchedState;
export type TouchResult = { status: 'missing' } | ActiveTouch | ({ status: 'ended' } & TouchedState);

export function parseTouch(reply: unknown): TouchResult {
  const [status, tenantId, interval, window] = (Array.isArray(reply) ? reply : []) as (string | null)[];
  if (status !== 'active' && status !== 'ended') return { status: 'missing' };
  return {
    status,
    tenantId: String(tenantId),
    heartbeatIntervalSeconds: Number(interval),
    livenessWindowMs: Number(window),
  };
}

/**
 * The session check of a heartbeat: its limit, then the session is refreshed (if active) in the same script, then its
 * liveness deadline, before answering. A limit refused from the isolate's cache costs no round trip.
 */
export async function touchSession(
  redis: Redis,
  prefix: string,
  sessionId: string,
  now: number,
  limit: WindowCall | WindowResult,
): Promise<{ refusedUntil: number } | { state: TouchResult }> {
  if (!('keys' in limit)) return { refusedUntil: limit.reset };
  const keys = [...limit.keys, sessionStateKey(sessionId, prefix)];
  const args = [...limit.args, String(now), String(SESSION_STATE_TTL_SECONDS)];
  const [left, touched] = (await evalScript(redis, LIMITED_TOUCH, keys, args)) as [number, unknown];
  const settled = limit.settle(left);
  if (!settled.success) return { refusedUntil: settled.reset };
  const state = parseTouch(touched);
  if (state.status === 'active') await trackLiveness(redis, prefix, sessionId, now + state.livenessWindowMs);
  return { state };
}

export async function endSession(
  redis: Redis,
  prefix: string,
  sessionId: string,
  reason: string,
  now: number,
  tombstoneTtl: number,
): Promise<EdgeSessionState | null> {
  const args = [String(now), String(SESSION_STATE_TTL_SECONDS), reason, String(tombstoneTtl)];
  const keys = [
    sessionStateKey(sessionId, prefix),
    eventMarksKey(sessionId, prefix),
    sessionTombstoneKey(sessionId, prefix),
  ];
  // Issued in one tick: one pipeline, one round trip; the ZREM of a session that does not exist removes nothing.
  const [flat] = await Promise.all([
    evalScript(redis, END, keys, args),
    redis.zrem(sessionLivenessKey(sessionId, prefix), sessionId),
  ]);
  const h = toObject(flat);
  return h.status ? toSession(sessionId, h) : null;
}
