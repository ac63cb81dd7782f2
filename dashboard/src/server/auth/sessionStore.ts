// Server-side proctor sessions in Redis: the cookie names one, logout deletes it, and it expires with the token.
// Live streams hold short leases under their proctor, so a proctor's open streams are capped and end with the session.
import { createHash, randomBytes } from 'node:crypto';
import { type ProctorRole, ProctorRole as Role } from '@proctor/contracts';
import type { RedisClient } from '@proctor/contracts/redis';
import { z } from 'zod';

/** What a session remembers of the verified token: the principal's identity, never the token itself. */
const StoredSession = z.object({
  tenantId: z.string(),
  sub: z.string(),
  role: Role,
  name: z.string().optional(),
  exp: z.number().int(),
});
export type StoredSession = z.infer<typeof StoredSession>;

/** 256 random bits, base64url: the id the cookie carries. */
const SESSION_ID = /^[A-Za-z0-9_-]{43}$/;

/** Redis holds a hash of the id, so someone who can read Redis keys still cannot make a cookie from one. */
const digest = (id: string) => createHash('sha256').update(id).digest('base64url');
export const sessionKey = (prefix: string, id: string) => `${prefix}:dash:session:${digest(id)}`;
const streamsKey = (prefix: string, tenantId: string, sub: string) =>
  `${prefix}:dash:streams:${digest(`${tenantId}\u0000${sub}`)}`;

export async function createSession(
  redis: RedisClient,
  prefix: string,
  session: { tenantId: string; sub: string; role: ProctorRole; name?: string | undefined; exp: number },
  nowMs = Date.now(),
): Promise<string | null> {
  const ttlMs = session.exp * 1000 - nowMs;
  if (ttlMs <= 0) return null;
  const id = randomBytes(32).toString('base64url');
  const value: StoredSession = StoredSession.parse(session);
  await redis.set(sessionKey(prefix, id), JSON.stringify(value), 'PX', ttlMs);
  return id;
}

/** The session a cookie names, or null when it ended (logout, expiry) or never existed. */
export async function readSession(redis: RedisClient, prefix: string, id: string): Promise<StoredSession | null> {
  if (!SESSION_ID.test(id)) return null;
  const raw = await redis.get(sessionKey(prefix, id));
  if (!raw) return null;
  try {
    const parsed = StoredSession.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export async function deleteSession(redis: RedisClient, prefix: string, id: string): Promise<void> {
  if (SESSION_ID.test(id)) await redis.del(sessionKey(prefix, id));
}

/**
 * KEYS[1] the proctor's stream leases (zset: stream id -> lease deadline). ARGV: now, lease ms, cap, stream id,
 * mode ('open' | 'renew'). Expired leases (a crashed server's streams) are dropped first. Returns 1 ok, 0 over the cap.
 * One key: the session key lives in another Redis Cluster slot, so `claim` checks it in a call of its own.
 */
const LEASE_SCRIPT = `
local now = tonumber(ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if ARGV[5] == 'open' and redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then return 0 end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[4])
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2]))
return 1
`;

const LEASE_SHA = createHash('sha1').update(LEASE_SCRIPT).digest('hex');

/** EVALSHA, and EVAL once when this Redis has not seen the script yet (NOSCRIPT). */
async function runLease(redis: RedisClient, keys: [string], args: (string | number)[]): Promise<unknown> {
  try {
    return await redis.evalsha(LEASE_SHA, 1, ...keys, ...args);
  } catch (err) {
    if (!String(err).includes('NOSCRIPT')) throw err;
    return redis.eval(LEASE_SCRIPT, 1, ...keys, ...args);
  }
}

export type LeaseResult = 'ok' | 'full' | 'ended';

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
  const key = streamsKey(prefix, who.tenantId, who.sub);
  const session = who.sessionId ? sessionKey(prefix, who.sessionId) : '';
  const streamId = randomBytes(12).toString('base64url');
  return {
    async claim(mode) {
      // Checked before the lease, not in its script (another slot). A logout between the two leaves a lease that
      // the next renew finds ended and drops: a stream outlives its session by at most one renew interval.
      if (session && (await redis.exists(session)) === 0) {
        await redis.zrem(key, streamId);
        return 'ended';
      }
      const r = await runLease(redis, [key], [Date.now(), opts.leaseMs, opts.cap, streamId, mode]);
      return r === 1 ? 'ok' : 'full';
    },
    async release() {
      await redis.zrem(key, streamId);
    },
  };
}
