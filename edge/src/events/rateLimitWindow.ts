// A per-session sliding-window limit whose counters live in the session's own hash and are checked by the route's one
// script (events/admitBatch.ts, sessions/sessionLifecycle.ts): the algorithm of @upstash/ratelimit's slidingWindow
// (this window's count plus the previous window's, weighted by how much of it still overlaps). Here, the call's
// arguments for that script, and the isolate's cache of refused sessions: a client hammering past its limit costs no
// Redis call at all until its window resets.

/**
 * Lua: `hashWindow(v, first, names, limit, now, window, inc)`: the sliding window whose three counters (its window,
 * that window's count, the previous window's) were read into v[first..first+2] from the fields `names`. Returns the
 * tokens left after this call (negative: refused, nothing to write; a spent budget refuses without counting) and the
 * field/value pairs the caller's HSET writes when the call goes on.
 */
export const HASH_WINDOW_LUA = `
local function hashWindow(v, first, names, limit, now, window, inc)
  local w = math.floor(now / window)
  local current, previous = 0, 0
  local at = tonumber(v[first])
  if at == w then current, previous = tonumber(v[first + 1]) or 0, tonumber(v[first + 2]) or 0
  elseif at == w - 1 then previous = tonumber(v[first + 1]) or 0 end
  local weighted = math.floor((1 - (now % window) / window) * previous)
  if weighted + current >= limit then return -1, {} end
  local n = current + inc
  return limit - (n + weighted), {names[1], w, names[2], n, names[3], previous}
end
`;

export type WindowResult = { success: true; reset: number } | { success: false; reset: number; reason?: 'cacheBlock' };

export interface RateLimitWindowOptions {
  /** Names the limit in the cache (one cache serves several limits). */
  prefix: string;
  limit: number;
  windowMs: number;
  /** Identifiers refused until their window resets. */
  blocked: Map<string, number>;
}

/** One limiter call made ready for a script: its four arguments (limit, now, window, increment), and how to read its
 * answer (tokens left after the call; negative is a refusal). */
export interface WindowCall {
  args: [string, string, string, string];
  settle(left: number): WindowResult;
}

export function rateLimitWindow(o: RateLimitWindowOptions) {
  /** A call's arguments, or its refusal straight from the isolate's cache (no round trip at all). */
  function prepare(identifier: string, rate = 1, now = Date.now()): WindowCall | WindowResult {
    const reset = (Math.floor(now / o.windowMs) + 1) * o.windowMs;
    const key = `${o.prefix}:${identifier}`;
    const blockedUntil = o.blocked.get(key);
    if (blockedUntil !== undefined) {
      if (blockedUntil > now) return { success: false, reset: blockedUntil, reason: 'cacheBlock' };
      o.blocked.delete(key);
    }
    return {
      args: [String(o.limit), String(now), String(o.windowMs), String(rate)],
      settle(left) {
        if (left >= 0) return { success: true, reset };
        o.blocked.set(key, reset);
        return { success: false, reset };
      },
    };
  }
  return { prepare };
}
