// A sliding-window limit as one atomic Lua script over one Redis Cluster slot: the algorithm of @upstash/ratelimit's
// slidingWindow (this window's count plus the previous window's, weighted by how much of it still overlaps).
// Why not the library itself: its script always passes a third key (its dynamic-limit key, "" when unused, which
// Redis Cluster hashes to slot 0) and puts the two windows' keys in different slots, so every call is CROSSSLOT on a
// cluster. Here both window keys carry the identifier as their hash tag: `<prefix>:{<identifier>}:<window>`.
import type { Redis } from '@upstash/redis/cloudflare';
import { evalScript, upstashScript } from '../services/upstashScript.ts';

/**
 * Lua: `rateLimitWindow(this window's key, the previous one's, limit, now (ms), window (ms), increment)` returns the
 * tokens left after this call; negative is a refusal. As in the library, a spent budget refuses without counting, and
 * a call that fits only in part is counted and refused (so the budget is spent). A function, so that a route's own
 * script can check a limit first, in the same round trip, before it touches anything else.
 */
export const SLIDING_WINDOW_LUA = `
local function rateLimitWindow(thisKey, previousKey, limit, now, window, inc)
  local current = tonumber(redis.call('GET', thisKey) or '0')
  local previous = tonumber(redis.call('GET', previousKey) or '0')
  previous = math.floor((1 - (now % window) / window) * previous)
  if previous + current >= limit then return -1 end
  local n = redis.call('INCRBY', thisKey, inc)
  if n == inc then redis.call('PEXPIRE', thisKey, window * 2 + 1000) end
  return limit - (n + previous)
end
`;

// KEYS: this window, the previous one. ARGV: limit, now (ms), window (ms), increment.
const LIMIT = upstashScript(`${SLIDING_WINDOW_LUA}
return rateLimitWindow(KEYS[1], KEYS[2], tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]))
`);

export type WindowResult =
  | { success: true; reset: number; reason?: 'timeout' | 'cacheBlock' }
  | { success: false; reset: number; reason?: 'cacheBlock' };

export interface RateLimitWindowOptions {
  prefix: string;
  limit: number;
  windowMs: number;
  /** Past this the call lets the request through and says so (reason 'timeout'): fail open, as the library does. */
  timeoutMs: number;
  /** Identifiers refused until their window resets: a client hammering past its limit costs no round trip. */
  blocked: Map<string, number>;
}

/** One limiter call made ready for a script: its two keys and four arguments, and how to read its answer. */
export interface WindowCall {
  keys: [string, string];
  args: [string, string, string, string];
  settle(left: number): WindowResult;
}

export function rateLimitWindow(redis: Redis, o: RateLimitWindowOptions) {
  /** A call's keys and arguments, or its refusal straight from the isolate's cache (no round trip at all). */
  function prepare(identifier: string, rate = 1, now = Date.now()): WindowCall | WindowResult {
    const window = Math.floor(now / o.windowMs);
    const reset = (window + 1) * o.windowMs;
    const key = `${o.prefix}:${identifier}`;
    const blockedUntil = o.blocked.get(key);
    if (blockedUntil !== undefined) {
      if (blockedUntil > now) return { success: false, reset: blockedUntil, reason: 'cacheBlock' };
      o.blocked.delete(key);
    }
    const tag = `${o.prefix}:{${identifier}}`;
    return {
      keys: [`${tag}:${window}`, `${tag}:${window - 1}`],
      args: [String(o.limit), String(now), String(o.windowMs), String(rate)],
      settle(left) {
        if (left >= 0) return { success: true, reset };
        o.blocked.set(key, reset);
        return { success: false, reset };
      },
    };
  }
  function limit(identifier: string, rate = 1, now = Date.now()): Promise<WindowResult> {
    const call = prepare(identifier, rate, now);
    if (!('keys' in call)) return Promise.resolve(call);
    // Issued before any await, so it joins the caller's tick's auto-pipeline (one round trip with the session check).
    const answer = evalScript<number>(redis, LIMIT, call.keys, call.args).then(call.settle);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<WindowResult>((resolve) => {
      const reset = (Math.floor(now / o.windowMs) + 1) * o.windowMs;
      timer = setTimeout(() => resolve({ success: true, reset, reason: 'timeout' }), o.timeoutMs);
    });
    // A late answer after a timeout is dropped; its error too (the request already went on).
    answer.catch(() => {});
    return Promise.race([answer, timeout]).finally(() => clearTimeout(timer));
  }
  return Object.assign(limit, { prepare });
}
