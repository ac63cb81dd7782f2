// A session's edge state in Redis (one hash with a TTL) and its entry in the sharded liveness sorted set.
// Each operation is one Lua script, so it is one round trip and atomic: a check of the status and the writes that
// depend on it cannot interleave with another request's. The liveness key lives outside the session's hash slot;
// that is fine on Upstash and a single Redis, which do not split keys across nodes.
import {
  type ExamConfig,
  eventMarksKey,
  livenessKey,
  livenessShard,
  livenessWindowMs,
  POLICY_DEFAULTS,
  type ResolvedSessionConfig,
  SESSION_STATE_TTL_SECONDS,
  type SessionIdentity,
  type SessionView,
  sessionStateKey,
} from '@proctor/contracts';
import type { Redis } from '@upstash/redis/cloudflare';
import { evalScript, type LuaScript, luaScript } from '../services/luaScript.ts';

/** The keys of one session under a prefix (tests use a random prefix). */
export function sessionKeys(sessionId: string, prefix: string): [state: string, liveness: string] {
  return [sessionStateKey(sessionId, prefix), livenessKey(livenessShard(sessionId), prefix)];
}

// KEYS: state, liveness. ARGV: now, ttl, sessionId, windowMs, then field/value pairs of a new session.
// Returns {created (0|1), HGETALL}.
const START = luaScript(`
local status = redis.call('HGET', KEYS[1], 'status')
local now = tonumber(ARGV[1])
if not status then
  redis.call('HSET', KEYS[1], unpack(ARGV, 5))
  redis.call('EXPIRE', KEYS[1], ARGV[2])
  redis.call('ZADD', KEYS[2], now + tonumber(ARGV[4]), ARGV[3])
  return {1, redis.call('HGETALL', KEYS[1])}
end
if status == 'active' then
  redis.call('HSET', KEYS[1], 'lastHeartbeatAt', ARGV[1])
  redis.call('EXPIRE', KEYS[1], ARGV[2])
  redis.call('ZADD', KEYS[2], now + tonumber(redis.call('HGET', KEYS[1], 'livenessWindowMs')), ARGV[3])
end
return {0, redis.call('HGETALL', KEYS[1])}
`);

// KEYS: state, liveness. ARGV: now, ttl, sessionId.
// An active session gets its TTL, lastHeartbeatAt and liveness deadline refreshed. Returns HMGET of the fields.
const TOUCH = luaScript(`
local s = redis.call('HMGET', KEYS[1], 'status', 'tenantId', 'heartbeatIntervalSeconds', 'livenessWindowMs')
if s[1] == 'active' then
  redis.call('HSET', KEYS[1], 'lastHeartbeatAt', ARGV[1])
  redis.call('EXPIRE', KEYS[1], ARGV[2])
  redis.call('ZADD', KEYS[2], tonumber(ARGV[1]) + tonumber(s[4]), ARGV[3])
end
return s
`);

// KEYS: state, liveness, event marks. ARGV: now, ttl, sessionId, reason. Ending twice keeps the first end.
// An ended session refuses every batch, so its dedupe marks are dropped with it. Returns HGETALL.
const END = luaScript(`
local status = redis.call('HGET', KEYS[1], 'status')
if not status then return {} end
if status == 'active' then
  redis.call('HSET', KEYS[1], 'status', 'ended', 'endedAt', ARGV[1], 'endReason', ARGV[4])
  redis.call('EXPIRE', KEYS[1], ARGV[2])
end
redis.call('ZREM', KEYS[2], ARGV[3])
redis.call('DEL', KEYS[3])
return redis.call('HGETALL', KEYS[1])
`);

export interface StoredSession extends SessionView {
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
function toSession(sessionId: string, h: Record<string, string>): StoredSession {
  const examConfig = JSON.parse(h.examConfig ?? '{}') as ExamConfig;
  // A session started before policies existed has no stored config: it ran with the defaults' opt-ins.
  const config: ResolvedSessionConfig = h.config
    ? (JSON.parse(h.config) as ResolvedSessionConfig)
    : {
        examConfig,
        thumbnails: POLICY_DEFAULTS.thumbnails,
        browserSignals: POLICY_DEFAULTS.browserSignals,
        policyVersions: {},
        tightenedByBody: [],
      };
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
    ...(h.endReason ? { endReason: h.endReason as StoredSession['endReason'] } : {}),
  };
}

export async function startSession(
  redis: Redis,
  prefix: string,
  sessionId: string,
  identity: SessionIdentity,
  config: ResolvedSessionConfig,
  now: number,
): Promise<{ created: boolean; session: StoredSession }> {
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
  const args = [
    String(now),
    String(SESSION_STATE_TTL_SECONDS),
    sessionId,
    String(window),
    ...Object.entries(fields).flat(),
  ];
  const [created, flat] = (await evalScript(redis, START, sessionKeys(sessionId, prefix), args)) as [number, unknown];
  return { created: created === 1, session: toSession(sessionId, toObject(flat)) };
}

export type ActiveTouch = { status: 'active'; tenantId: string; heartbeatIntervalSeconds: number };
export type TouchResult =
  | { status: 'missing' }
  | ActiveTouch
  | { status: 'ended'; tenantId: string; heartbeatIntervalSeconds: number };

/** The TOUCH script as a command for a pipeline (events/batch sends it with its dedupe claims). */
export function touchCommand(prefix: string, sessionId: string, now: number): [LuaScript, string[], string[]] {
  return [TOUCH, sessionKeys(sessionId, prefix), [String(now), String(SESSION_STATE_TTL_SECONDS), sessionId]];
}

export function parseTouch(reply: unknown): TouchResult {
  const [status, tenantId, interval] = (Array.isArray(reply) ? reply : []) as (string | null)[];
  if (status !== 'active' && status !== 'ended') return { status: 'missing' };
  return { status, tenantId: String(tenantId), heartbeatIntervalSeconds: Number(interval) };
}

export async function touchSession(redis: Redis, prefix: string, sessionId: string, now: number): Promise<TouchResult> {
  const [script, keys, args] = touchCommand(prefix, sessionId, now);
  return parseTouch(await evalScript(redis, script, keys, args));
}

export async function endSession(
  redis: Redis,
  prefix: string,
  sessionId: string,
  reason: string,
  now: number,
): Promise<StoredSession | null> {
  const args = [String(now), String(SESSION_STATE_TTL_SECONDS), sessionId, reason];
  const flat = await evalScript(
    redis,
    END,
    [...sessionKeys(sessionId, prefix), eventMarksKey(sessionId, prefix)],
    args,
  );
  const h = toObject(flat);
  return h.status ? toSession(sessionId, h) : null;
}
