// A fixed-window limit per name and identifier in Redis, for the dashboard's costly or abusable routes (sign-in,
// receipt verification). One key per window, gone with it, so a flood leaves nothing behind in the shared Redis.
import { createHash } from 'node:crypto';
import { dashboardRateKey } from '@proctor/contracts';
import type { RedisClient } from '@proctor/contracts/redis';
import { redisScript, runScript } from '@proctor/contracts/redis/scripts';

// KEYS[1] the window's counter. ARGV[1] the window, ms. Returns the count including this call and the ms left.
const COUNT = redisScript(`
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[1])) end
return {n, redis.call('PTTL', KEYS[1])}
`);

export interface RateLimit {
  /** Shows in the key: one budget per name. */
  name: string;
  limit: number;
  windowMs: number;
}

export type RateResult = { ok: true } | { ok: false; retryAfterSeconds: number };

/** Counts one call of `identifier` (hashed: an address or a subject is not written to Redis as is). */
export async function consume(
  redis: RedisClient,
  prefix: string,
  rule: RateLimit,
  identifier: string,
): Promise<RateResult> {
  const key = dashboardRateKey(rule.name, createHash('sha256').update(identifier).digest('base64url'), prefix);
  const [count, pttl] = (await runScript(redis, COUNT, [key], [rule.windowMs])) as [number, number];
  if (count <= rule.limit) return { ok: true };
  return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((pttl > 0 ? pttl : rule.windowMs) / 1000)) };
}
