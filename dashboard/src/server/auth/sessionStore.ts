// Server-side proctor sessions in Redis: the cookie names one, logout deletes it, and it expires with the token.
// Live streams hold short leases under their proctor, so a proctor's open streams are capped and end with the session.
import { createHash, randomBytes } from 'node:crypto';
import { type ProctorRole, ProctorRole as Role } from '@proctor/contracts';
import type { Redis } from 'ioredis';
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
  redis: Redis,
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
export async function readSession(redis: Redis, prefix: string, id: string): Promise<StoredSession | null> {
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

export async function deleteSession(redis: Redis, prefix: string, id: string): Promise<void> {
  if (SESSION_ID.test(id)) await redis.del(sessionKey(prefix, id));
}

/**
 * KEYS[1] the proctor's stream leases (zset: stream id -> lease deadline), KEYS[2] the session key or '' (a
 * bearer-token stream has no session). ARGV: now, lease ms, cap, stream id, mode ('open' | 'renew').
 * Expired leases (a crashed server's streams) are dropped first. Returns 1 ok, 0 over the cap, -1 session ended.
 */
const LEASE_SCRIPT = `
local now = tonumber(ARGV[1])
if KEYS[2] ~= '' and redis.call('EXISTS', KEYS[2]) == 0 then
  redis.call('ZREM', KEYS[1], ARGV[4])
  return -1
end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if ARGV[5] == 'open' and redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then return 0 end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[4])
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2]))
return 1
`;

const LEASE_SHA = createHash('sha1').update(LEASE_SCRIPT).digest('hex');

/** EVALSHA, and EVAL once when this Redis has not seen the script yet (NOSCRIPT). */
async function runLease(redis: Redis, keys: [string, string], args: (string | number)[]): Promise<unknown> {
  try {
    return await redis.evalsha(LEASE_SHA, 2, ...keys, ...args);
  } catch (err) {
    if (!String(err).includes('NOSCRIPT')) throw err;
    return redis.eval(LEASE_SCRIPT, 2, ...keys, ...args);
  }
}

export type LeaseResult = 'ok' | 'full' | 'ended';

export interface StreamLease {
  /** Takes (open) or extends (renew) the lease; 'ended' once the session is gone. */
  claim(mode: 'open' | 'renew'): Promise<LeaseResult>;
  release(): Promise<void>;
}

export function streamLease(
  redis: Redis,
  prefix: string,
  who: { tenantId: string; sub: string; sessionId?: string | undefined },
  opts: { cap: number; leaseMs: number },
): StreamLease {
  const key = streamsKey(prefix, who.tenantId, who.sub);
  const session = who.sessionId ? sessionKey(prefix, who.sessionId) : '';
  const streamId = randomBytes(12).toString('base64url');
  return {
    async claim(mode) {
      const r = await runLease(redis, [key, session], [Date.now(), opts.leaseMs, opts.cap, streamId, mode]);
      return r === 1 ? 'ok' : r === 0 ? 'full' : 'ended';
    },
    async release() {
      await redis.zrem(key, streamId);
    },
  };
}
