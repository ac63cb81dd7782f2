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
} from '@proctor/contracts';
import type { Redis } from '@upstash/redis/cloudflare';
import { evalScript, type UpstashScript, upstashScript } from '../services/upstashScript.ts';

/** The session's liveness shard (a key of its own slot, see above). */
const sessionLivenessKey = (sessionId: string, prefix: string) => livenessKey(livenessShard(sessionId), prefix);

/** Puts the session in its liveness shard with this deadline (or moves its deadline). */
export async function trackLiveness(redis: Redis, prefix: string, sessionId: string, deadline: number): Promise<void> {
  await redis.zadd(sessionLivenessKey(sessionId, prefix), { score: deadline, member: sessionId });
}

// KEYS: state. ARGV: now, ttl, then field/value pairs of a new session.
// Returns {created (0|1), HGETALL}; an active session's TTL and lastHeartbeatAt are refreshed.
const START = upstashScript(`
local status = redis.call('HGET', KEYS[1], 'status')
if not status then
  redis.call('HSET', KEYS[1], unpack(ARGV, 3))
  redis.call('EXPIRE', KEYS[1], ARGV[2])
  return {1, redis.call('HGETALL', KEYS[1])}
end
if status == 'active' then
  redis.call('HSET', KEYS[1], 'lastHeartbeatAt', ARGV[1])
  redis.call('EXPIRE', KEYS[1], ARGV[2])
end
return {0, redis.call('HGETALL', KEYS[1])}
`);

// KEYS: state. ARGV: now, ttl.
// An active session gets its TTL and lastHeartbeatAt refreshed. Returns HMGET of the fields.
const TOUCH = upstashScript(`
local s = redis.call('HMGET', KEYS[1], 'status', 'tenantId', 'heartbeatIntervalSeconds', 'livenessWindowMs')
if s[1] == 'active' then
  redis.call('HSET', KEYS[1], 'lastHeartbeatAt', ARGV[1])
  redis.call('EXPIRE', KEYS[1], ARGV[2])
end
return s
`);

// KEYS: state, event marks. ARGV: now, ttl, reason. Ending twice keeps the first end.
// An ended session refuses every batch, so its dedupe marks are dropped with it. Returns HGETALL.
const END = upstashScript(`
local status = redis.call('HGET', KEYS[1], 'status')
if not status then return {} end
if status == 'active' then
  redis.call('HSET', KEYS[1], 'status', 'ended', 'endedAt', ARGV[1], 'endReason', ARGV[3])
  redis.call('EXPIRE', KEYS[1], ARGV[2])
end
redis.call('DEL', KEYS[2])
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
): Promise<{ created: boolean; session: EdgeSessionState }> {
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
  const args = [String(now), String(SESSION_STATE_TTL_SECONDS), ...Object.entries(fields).flat()];
  const [created, flat] = (await evalScript(redis, START, [sessionStateKey(sessionId, prefix)], args)) as [
    number,
    unknown,
  ];
  const h = toObject(flat);
  // Tracked before the 2xx (see the top of this file). A resumed session keeps the window it started with.
  if (h.status === 'active') await trackLiveness(redis, prefix, sessionId, now + Number(h.livenessWindowMs || window));
  return { created: created === 1, session: toSession(sessionId, h) };
}

type TouchedState = { tenantId: string; heartbeatIntervalSeconds: number; livenessWindowMs: number };
export type ActiveTouch = { status: 'active' } & TouchedState;
export type TouchResult = { status: 'missing' } | ActiveTouch | ({ status: 'ended' } & TouchedState);

/** The TOUCH script as a command for a pipeline (events/batch sends it with its dedupe claims). */
export function touchCommand(prefix: string, sessionId: string, now: number): [UpstashScript, string[], string[]] {
  return [TOUCH, [sessionStateKey(sessionId, prefix)], [String(now), String(SESSION_STATE_TTL_SECONDS)]];
}

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

/** The session check of a heartbeat: refreshes the session, then (if active) its liveness deadline, before answering. */
export async function touchSession(redis: Redis, prefix: string, sessionId: string, now: number): Promise<TouchResult> {
  const [script, keys, args] = touchCommand(prefix, sessionId, now);
  const state = parseTouch(await evalScript(redis, script, keys, args));
  if (state.status === 'active') await trackLiveness(redis, prefix, sessionId, now + state.livenessWindowMs);
  return state;
}

export async function endSession(
  redis: Redis,
  prefix: string,
  sessionId: string,
  reason: string,
  now: number,
): Promise<EdgeSessionState | null> {
  const args = [String(now), String(SESSION_STATE_TTL_SECONDS), reason];
  // Issued in one tick: one pipeline, one round trip; the ZREM of a session that does not exist removes nothing.
  const [flat] = await Promise.all([
    evalScript(redis, END, [sessionStateKey(sessionId, prefix), eventMarksKey(sessionId, prefix)], args),
    redis.zrem(sessionLivenessKey(sessionId, prefix), sessionId),
  ]);
  const h = toObject(flat);
  return h.status ? toSession(sessionId, h) : null;
}
