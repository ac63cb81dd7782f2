// A session's edge state in Redis: one hash per session (contracts sessionStateKey) with a TTL, holding its state,
// its start/end budget's window counters, its event budget's and its dedupe marks (events/admitBatch.ts). Start and end
// are one Lua script each over the session's `{sessionId}` keys: one round trip, atomic, so a status check and the
// writes that depend on it cannot interleave with another request's, and few calls inside (Upstash bills the EVALSHA
// and each of them). Liveness is not here: the processor keeps it on its own Redis from the records it applies (a
// start, an event, a heartbeat each move the deadline; an end removes it), so the edge writes no liveness shard.
import {
  defaultSessionConfig,
  type ExamConfig,
  livenessWindowMs,
  type ResolvedSessionConfig,
  SESSION_STATE_TTL_SECONDS,
  type SessionIdentity,
  type SessionView,
  sessionStateKey,
  sessionTombstoneKey,
} from '@proctor/contracts';
import type { Redis } from '@upstash/redis/cloudflare';
import { HASH_WINDOW_LUA, type WindowCall, type WindowResult } from '../events/rateLimitWindow.ts';
import { evalScript, upstashScript } from '../services/upstashScript.ts';

/** The fields of a session's view, in the order the scripts return them (never the marks: HGETALL would). */
const VIEW_FIELDS = [
  'status',
  'tenantId',
  'examScheduleId',
  'userId',
  'attemptNo',
  'examConfig',
  'config',
  'startedAt',
  'lastHeartbeatAt',
  'heartbeatIntervalSeconds',
  'livenessWindowMs',
  'endedAt',
  'endReason',
] as const;

/** Lua: the view's fields, and those with the start/end budget's counters (cw, cc, cp; see HASH_WINDOW_LUA) and `x`. */
const CONTROL_LUA = `${HASH_WINDOW_LUA}
local VIEW = {${VIEW_FIELDS.map((f) => `'${f}'`).join(', ')}}
local function withControl()
  local f = {}
  for i, name in ipairs(VIEW) do f[i] = name end
  f[#f + 1] = 'cw'; f[#f + 1] = 'cc'; f[#f + 1] = 'cp'; f[#f + 1] = 'x'
  return f
end
`;
/** Where the control counters and the expiry field sit in the scripts' HMGET (Lua is 1-based). */
const CONTROL_AT = VIEW_FIELDS.length + 1;

// KEYS: state, tombstone. ARGV: the control window's limit, now, window, increment; ttl, tombstone ttl, renew slack,
// then field/value pairs of a new session. Returns {-1, 'ended'|'erased'} for a closed session (its tombstone kept at
// least as long as this, maybe refreshed, token lives); {-2} over the budget (nothing written); else
// {created (0|1), view}: a new session is written whole, an active one gets its lastHeartbeatAt (and its TTL when near
// its end), an ended one nothing but the budget's count.
const START = upstashScript(`${CONTROL_LUA}
local closed = redis.call('GET', KEYS[2])
if closed then
  if redis.call('TTL', KEYS[2]) < tonumber(ARGV[6]) then redis.call('EXPIRE', KEYS[2], ARGV[6]) end
  return {-1, closed}
end
local now, ttl = tonumber(ARGV[2]), tonumber(ARGV[5])
local v = redis.call('HMGET', KEYS[1], unpack(withControl()))
local left, set = hashWindow(v, ${CONTROL_AT}, {'cw', 'cc', 'cp'}, tonumber(ARGV[1]), now, tonumber(ARGV[3]), tonumber(ARGV[4]))
if left < 0 then return {-2} end
local nowSec = math.floor(now / 1000)
if not v[1] then
  for i = 8, #ARGV do set[#set + 1] = ARGV[i] end
  set[#set + 1] = 'x'; set[#set + 1] = nowSec + ttl
  redis.call('HSET', KEYS[1], unpack(set))
  redis.call('EXPIRE', KEYS[1], ttl)
  local view = {}
  for i = 8, #ARGV, 2 do view[ARGV[i]] = ARGV[i + 1] end
  local out = {}
  for i, name in ipairs(VIEW) do out[i] = view[name] or false end
  return {1, out}
end
local renew = v[1] == 'active' and (tonumber(v[${CONTROL_AT + 3}]) or 0) - nowSec < ttl - tonumber(ARGV[7])
if v[1] == 'active' then set[#set + 1] = 'lastHeartbeatAt'; set[#set + 1] = now; v[9] = ARGV[2] end
if renew then set[#set + 1] = 'x'; set[#set + 1] = nowSec + ttl end
redis.call('HSET', KEYS[1], unpack(set))
if renew then redis.call('EXPIRE', KEYS[1], ttl) end
local out = {}
for i = 1, #VIEW do out[i] = v[i] end
return {0, out}
`);

// KEYS: state, tombstone. ARGV: the control window's four, ttl, reason, tombstone ttl. Ending twice keeps the first
// end. An ended session refuses every batch, so its hash is written anew without its marks and budget counters; its
// tombstone outlives the state for as long as the token could still start it again. Returns {-2} over the budget
// (nothing written), {} for a missing session, else {0, view}.
const END = upstashScript(`${CONTROL_LUA}
local now = tonumber(ARGV[2])
local v = redis.call('HMGET', KEYS[1], unpack(withControl()))
if not v[1] then return {} end
local left, set = hashWindow(v, ${CONTROL_AT}, {'cw', 'cc', 'cp'}, tonumber(ARGV[1]), now, tonumber(ARGV[3]), tonumber(ARGV[4]))
if left < 0 then return {-2} end
if v[1] == 'active' then
  v[1] = 'ended'; v[12] = ARGV[2]; v[13] = ARGV[6]
  for i, name in ipairs(VIEW) do
    if v[i] then set[#set + 1] = name; set[#set + 1] = v[i] end
  end
  redis.call('DEL', KEYS[1])
  redis.call('HSET', KEYS[1], unpack(set))
  redis.call('EXPIRE', KEYS[1], ARGV[5])
else
  redis.call('HSET', KEYS[1], unpack(set))
end
if redis.call('TTL', KEYS[2]) < tonumber(ARGV[7]) then redis.call('SET', KEYS[2], 'ended', 'EX', ARGV[7]) end
local out = {}
for i = 1, #VIEW do out[i] = v[i] end
return {0, out}
`);

/** How long before the end of its TTL span a session's hash is renewed: at most one EXPIRE an hour. */
export const RENEW_SLACK_SECONDS = 3600;

export interface EdgeSessionState extends SessionView {
  endReason?: 'submitted' | 'timeout' | 'abandoned';
  /** The resolved config the session started with (thresholds, accommodation, opt-ins). */
  config: ResolvedSessionConfig;
}

/** The scripts' view array (VIEW_FIELDS' order; a missing field is nil or false) as an object. */
function toObject(view: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  const list = Array.isArray(view) ? (view as unknown[]) : [];
  VIEW_FIELDS.forEach((name, i) => {
    const value = list[i];
    if (value !== null && value !== undefined && value !== false) out[name] = String(value);
  });
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

export type StartOutcome =
  | { closed: 'ended' | 'erased' }
  | { refusedUntil: number }
  | { created: boolean; session: EdgeSessionState };

/** One script: the tombstone, the start/end budget, then the session created or resumed. */
export async function startSession(
  redis: Redis,
  prefix: string,
  sessionId: string,
  identity: SessionIdentity,
  config: ResolvedSessionConfig,
  now: number,
  tombstoneTtl: number,
  limit: WindowCall | WindowResult,
): Promise<StartOutcome> {
  if (!('args' in limit)) return { refusedUntil: limit.reset };
  const { examConfig } = config;
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
    livenessWindowMs: String(livenessWindowMs(examConfig)),
  };
  const args = [
    ...limit.args,
    String(SESSION_STATE_TTL_SECONDS),
    String(tombstoneTtl),
    String(RENEW_SLACK_SECONDS),
    ...Object.entries(fields).flat(),
  ];
  const keys = [sessionStateKey(sessionId, prefix), sessionTombstoneKey(sessionId, prefix)];
  const [created, view] = (await evalScript(redis, START, keys, args)) as [number, unknown];
  if (created === -1) return { closed: view === 'erased' ? 'erased' : 'ended' };
  const settled = limit.settle(created === -2 ? -1 : 0);
  if (!settled.success) return { refusedUntil: settled.reset };
  return { created: created === 1, session: toSession(sessionId, toObject(view)) };
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

/** One script: the start/end budget, then the end (kept if already ended) and its tombstone; `limit` carries now. */
export async function endSession(
  redis: Redis,
  prefix: string,
  sessionId: string,
  reason: string,
  tombstoneTtl: number,
  limit: WindowCall | WindowResult,
): Promise<{ refusedUntil: number } | { session: EdgeSessionState | null }> {
  if (!('args' in limit)) return { refusedUntil: limit.reset };
  const args = [...limit.args, String(SESSION_STATE_TTL_SECONDS), reason, String(tombstoneTtl)];
  const keys = [sessionStateKey(sessionId, prefix), sessionTombstoneKey(sessionId, prefix)];
  const [code, view] = (await evalScript(redis, END, keys, args)) as [number?, unknown?];
  if (code === undefined) return { session: null };
  const settled = limit.settle(code === -2 ? -1 : 0);
  if (!settled.success) return { refusedUntil: settled.reset };
  return { session: toSession(sessionId, toObject(view)) };
}
