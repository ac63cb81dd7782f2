// A batch's admission at the edge, one script over the session's `{sessionId}` slot, in this order: the session's
// event budget (a spent budget refuses before anything else is read or written), the session check (its TTL
// refreshed if active), then a dedupe claim per event unless the marks hash would pass its cap.
import {
  EVENT_MARK_TTL_SECONDS,
  EVENT_MARKS_MAX,
  eventMarksKey,
  SESSION_STATE_TTL_SECONDS,
  sessionStateKey,
} from '@proctor/contracts';
import type { Redis } from '@upstash/redis/cloudflare';
import { evalScript, upstashScript } from '../services/upstashScript.ts';
import { parseTouch, TOUCH_LUA, type TouchResult } from '../sessions/sessionLifecycle.ts';
import { CLAIM_LUA, type Claim, parseClaim } from './dedupe.ts';
import { SLIDING_WINDOW_LUA, type WindowCall, type WindowResult } from './rateLimitWindow.ts';

// KEYS: the budget's windows (this, previous), state, marks. ARGV: the window's four, state ttl, marks ttl, cap,
// eventIds… Returns {left} when over budget, {left, touch} for a session that is not active, {left, touch, 'full'}
// when the marks are at their cap, else {left, touch, marks}.
const ADMIT = upstashScript(`${SLIDING_WINDOW_LUA}${TOUCH_LUA}${CLAIM_LUA}
local left = rateLimitWindow(KEYS[1], KEYS[2], tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]))
if left < 0 then return {left} end
local s = touchSession(KEYS[3], ARGV[2], ARGV[5])
if s[1] ~= 'active' then return {left, s} end
local marks = claimEvents(KEYS[4], ARGV[6], tonumber(ARGV[7]), 8)
if not marks then return {left, s, 'full'} end
return {left, s, marks}
`);

export type Admission =
  | { kind: 'over_budget'; reset: number }
  /**
   * Past the budget: the session as found, and per event its claim; none for a session that is not active, 'full'
   * when the marks hash is at EVENT_MARKS_MAX (nothing claimed).
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
  if (!('keys' in budget)) return { kind: 'over_budget', reset: budget.reset };
  const keys = [...budget.keys, sessionStateKey(sessionId, prefix), eventMarksKey(sessionId, prefix)];
  const args = [
    ...budget.args,
    String(SESSION_STATE_TTL_SECONDS),
    String(EVENT_MARK_TTL_SECONDS),
    String(EVENT_MARKS_MAX),
    ...eventIds,
  ];
  const [left, touched, marks] = (await evalScript(redis, ADMIT, keys, args)) as [number, unknown?, unknown?];
  const settled = budget.settle(left);
  if (!settled.success) return { kind: 'over_budget', reset: settled.reset };
  const state = parseTouch(touched);
  if (state.status !== 'active') return { kind: 'checked', state, marks: [] };
  if (!Array.isArray(marks)) return { kind: 'checked', state, marks: 'full' };
  return { kind: 'checked', state, marks: eventIds.map((_, i) => parseClaim(marks[i])) };
}
