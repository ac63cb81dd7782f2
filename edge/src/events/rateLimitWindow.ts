// A per-session sliding-window limit whose counters live in the session's own hash and are checked by the route's one
// script (events/admitBatch.ts, sessions/sessionLifecycle.ts): the algorithm of @upstash/ratelimit's slidingWindow
// (this window's count plus the previous window's, weighted by how much of it still overlaps). Here, the call's
// arguments for that script, and the isolate's cache of refused sessions: a client hammering past its limit costs no
// Redis call at all until its window resets.

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
