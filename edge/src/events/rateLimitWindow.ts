// A sliding-window limit as one atomic Lua script over one Redis Cluster slot: the algorithm of @upstash/ratelimit's
// slidingWindow (this window's count plus the previous window's, weighted by how much of it still overlaps).
// Why not the library itself: its script always passes a third key (its dynamic-limit key, "" when unused, which
// Redis Cluster hashes to slot 0) and puts the two windows' keys in different slots, so every call is CROSSSLOT on a
// cluster. Here both window keys carry the identifier as their hash tag: `<prefix>:{<identifier>}:<window>`.
import type { Redis } from '@upstash/redis/cloudflare';
import { evalScript, upstashScript } from '../services/upstashScript.ts';

// KEYS: this window, the previous one. ARGV: limit, now (ms), window (ms), increment.
// Returns the tokens left after this call; negative is a refusal. As in the library, a spent budget refuses without
// counting, and a call that fits only in part is counted and refused (so the budget is spent).
const LIMIT = upstashScript(`
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[3])
local inc = tonumber(ARGV[4])
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
local previous = tonumber(redis.call('GET', KEYS[2]) or '0')
previous = math.floor((1 - (tonumber(ARGV[2]) % window) / window) * previous)
if previous + current >= limit then return -1 end
local n = redis.call('INCRBY', KEYS[1], inc)
if n == inc then redis.call('PEXPIRE', KEYS[1], window * 2 + 1000) end
return limit - (n + previous)
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

export function rateLimitWindow(redis: Redis, o: RateLimitWindowOptions) {
  return function limit(identifier: string, rate = 1, now = Date.now()): Promise<WindowResult> {
    const window = Math.floor(now / o.windowMs);
    const reset = (window + 1) * o.windowMs;
    const key = `${o.prefix}:${identifier}`;
    const blockedUntil = o.blocked.get(key);
    if (blockedUntil !== undefined) {
      if (blockedUntil > now) return Promise.resolve({ success: false, reset: blockedUntil, reason: 'cacheBlock' });
      o.blocked.delete(key);
    }
    const tag = `${o.prefix}:{${identifier}}`;
    // Issued before any await, so it joins the caller's tick's auto-pipeline (one round trip with the session check).
    const call = evalScript<number>(
      redis,
      LIMIT,
      [`${tag}:${window}`, `${tag}:${window - 1}`],
      [String(o.limit), String(now), String(o.windowMs), String(rate)],
    ).then((left): WindowResult => {
      if (left >= 0) return { success: true, reset };
      o.blocked.set(key, reset);
      return { success: false, reset };
    });
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<WindowResult>((resolve) => {
      timer = setTimeout(() => resolve({ success: true, reset, reason: 'timeout' }), o.timeoutMs);
    });
    // A late answer after a timeout is dropped; its error too (the request already went on).
    call.catch(() => {});
    return Promise.race([call, timeout]).finally(() => clearTimeout(timer));
  };
}
