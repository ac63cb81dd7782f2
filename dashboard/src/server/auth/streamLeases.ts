// Live streams hold short leases under their proctor in Redis, so a proctor's open streams are capped and end with
// the login session they were opened under.
import { randomBytes } from 'node:crypto';
import { loginSessionKey, streamLeasesKey } from '@proctor/contracts';
import type { RedisClient } from '@proctor/contracts/redis';
import { redisScript, runScript } from '@proctor/contracts/redis/scripts';
import { keyDigest } from './loginSessions.ts';

/**
 * KEYS[1] the proctor's stream leases (zset: stream id -> lease deadline). ARGV: now, lease ms, cap, stream id,
 * mode ('open' | 'renew'). Expired leases (a crashed server's streams) are dropped first. Returns 1 ok, 0 over the cap.
 * One key: the session key lives in another Redis Cluster slot, so `claim` checks it in a call of its own.
 */
const LEASE = redisScript(`
local now = tonumber(ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if ARGV[5] == 'open' and redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then return 0 end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[4])
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2]))
return 1
`);

type LeaseResult = 'ok' | 'full' | 'ended';

export interface StreamLease {
  /** Takes (open) or extends (renew) the lease; 'ended' once the session is gone. */
  claim(mode: 'open' | 'renew'): Promise<LeaseResult>;
  release(): Promise<void>;
}

export function streamLease(
  redis: RedisClient,
  prefix: string,
  who: { tenantId: string; sub: string; sessionId?: string | undefined },
  opts: { cap: number; leaseMs: number },
): StreamLease {
  const key = streamLeasesKey(keyDigest(`${who.tenantId}\u0000${who.sub}`), prefix);
  const session = who.sessionId ? loginSessionKey(keyDigest(who.sessionId), prefix) : '';
  const streamId = randomBytes(12).toString('base64url');
  return {
    async claim(mode) {
      // Checked before the lease, not in its script (another slot). A logout between the two leaves a lease that
      // the next renew finds ended and drops: a stream outlives its session by at most one renew interval.
      if (session && (await redis.exists(session)) === 0) {
        await redis.zrem(key, streamId);
        return 'ended';
      }
      const r = await runScript(redis, LEASE, [key], [Date.now(), opts.leaseMs, opts.cap, streamId, mode]);
      return r === 1 ? 'ok' : 'full';
    },
    async release() {
      await redis.zrem(key, streamId);
    },
  };
}
