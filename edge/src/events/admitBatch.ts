// A batch's admission at the edge: one script, two Redis calls inside it (one HMGET, one HSET) over the session's one
// hash, in this order: the session's event budget (a spent budget refuses before anything is written), the session
// check, then a dedupe claim per event unless the marks would pass their cap. Upstash bills the EVALSHA and every
// call inside it, so the hash holds the budget's window counters and the marks beside the state, and the hash's TTL is
// renewed only when it is within an hour of its last renewal's span (field `x`), not on every batch.
import { EVENT_MARKS_MAX, SESSION_STATE_TTL_SECONDS, sessionStateKey } from '@proctor/contracts';
import type { Redis } from '@upstash/redis/cloudflare';
import { evalScript, upstashScript } from '../services/upstashScript.ts';
import { parseTouch, RENEW_SLACK_SECONDS, type TouchResult } from '../sessions/sessionLifecycle.ts';
import { type Claim, parseClaim } from './dedupe.ts';
import { HASH_WINDOW_LUA, type WindowCall, type WindowResult } from './rateLimitWindow.ts';

// KEYS: the session's hash. ARGV: the budget's limit, now (ms), window (ms), increment; the hash's ttl, the marks' cap,
// the renew slack, then eventIds… The budget is @upstash/ratelimit's sliding window (this window's count plus the
// previous one's, weighted by how much of it still overlaps) in fields bw (window), bc (its count), bp (the previous
// window's). Returns {-1} over budget (nothing written); {left, session} for a session that is not active (nothing
// written: a missing session gets no hash); {left, session, 'full'} when the marks are at their cap (the budget is
// spent, nothing claimed); else {left, session, marks}: per event its mark, 'c' when this call claimed it.
const ADMIT = upstashScript(`${HASH_WINDOW_LUA}
local key = KEYS[1]
local now = tonumber(ARGV[2])
local ttl, cap, slack = tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7])
local fields = {'status', 'tenantId', 'heartbeatIntervalSeconds', 'livenessWindowMs', 'x', 'bw', 'bc', 'bp', 'mn'}
for i = 8, #ARGV do fields[#fields + 1] = 'm:' .. ARGV[i] end
local v = redis.call('HMGET', key, unpack(fields))
local left, set = hashWindow(v, 6, {'bw', 'bc', 'bp'}, tonumber(ARGV[1]), now, tonumber(ARGV[3]), tonumber(ARGV[4]))
if left < 0 then return {-1} end
local s = {v[1], v[2], v[3], v[4]}
if v[1] ~= 'active' then return {left, s} end
set[#set + 1] = 'lastHeartbeatAt'; set[#set + 1] = now
local out, fresh = {}, 0
for i = 8, #ARGV do
  local m = v[i + 2]
  if m then out[i - 7] = m else out[i - 7] = 'c'; fresh = fresh + 1 end
end
local marks = tonumber(v[9]) or 0
local full = fresh > 0 and marks + fresh > cap
if not full and fresh > 0 then
  for i = 8, #ARGV do
    if out[i - 7] == 'c' then set[#set + 1] = 'm:' .. ARGV[i]; set[#set + 1] = 'p' end
  end
  set[#set + 1] = 'mn'; set[#set + 1] = marks + fresh
end
local nowSec = math.floor(now / 1000)
local renew = (tonumber(v[5]) or 0) - nowSec < ttl - slack
if renew then set[#set + 1] = 'x'; set[#set + 1] = nowSec + ttl end
redis.call('HSET', key, unpack(set))
if renew then redis.call('EXPIRE', key, ttl) end
if full then return {left, s, 'full'} end
return {left, s, out}
`);

export type Admission =
  | { kind: 'over_budget'; reset: number }
  /**
   * Past the budget: the session as found, and per event its claim; none for a session that is not active, 'full'
   * when the marks are at EVENT_MARKS_MAX (nothing claimed).
   */
  | { kind: 'checked'; state: TouchResult; marks: Claim[] | 'full' };

/** One round trip; `budget` is the session's window call (a refusal from the isolate's cache costs none). */
export async function admitBatch(
  redis: Redis,
  prefix: string,
  sessionId: string,
  budget: WindowCall | WindowResult,
  eventIds: string[],
): Promise<Admission> {
  if (!('args' in budget)) return { kind: 'over_budget', reset: budget.reset };
  const args = [
    ...budget.args,
    String(SESSION_STATE_TTL_SECONDS),
    String(EVENT_MARKS_MAX),
    String(RENEW_SLACK_SECONDS),
    ...eventIds,
  ];
  const [left, touched, marks] = (await evalScript(redis, ADMIT, [sessionStateKey(sessionId, prefix)], args)) as [
    number,
    unknown?,
    unknown?,
  ];
  const settled = budget.settle(left);
  if (!settled.success) return { kind: 'over_budget', reset: settled.reset };
  const state = parseTouch(touched);
  if (state.status !== 'active') return { kind: 'checked', state, marks: [] };
  if (!Array.isArray(marks)) return { kind: 'checked', state, marks: 'full' };
  return { kind: 'checked', state, marks: eventIds.map((_, i) => parseClaim(marks[i])) };
}
