// Server-side proctor sessions in Redis: the cookie names one, logout deletes it, and it ends with the token or after
// SESSION_MAX_MS, whichever is first. A proctor holds at most a few (the oldest ends), so one token cannot fill the
// Redis the edge shares. Live streams hold short leases under their proctor, so a proctor's open streams are capped
// and end with the session.
import { createHash, randomBytes } from 'node:crypto';
import { type ProctorRole, ProctorRole as Role } from '@proctor/contracts';
import type { RedisClient } from '@proctor/contracts/redis';
import { z } from 'zod';
import { redisScript } from '../redis/script.ts';
import { parseStoredJson } from '../redis/storedJson.ts';

/** A session's longest life, whatever the token's `exp`: a sign-in a day (and below any timer's 24.8-day limit). */
export const SESSION_MAX_MS = 24 * 60 * 60 * 1000;

/** What a session remembers of the verified token: the principal's identity, never the token itself. */
const StoredSession = z.object({
  tenantId: z.string(),
  sub: z.string(),
  role: Role,
  name: z.string().optional(),
  /** When the session ends, epoch seconds: the token's `exp`, or SESSION_MAX_MS after sign-in if that is sooner. */
  exp: z.number().int(),
});
export type StoredSession = z.infer<typeof StoredSession>;

/** 256 random bits, base64url: the id the cookie carries. */
const SESSION_ID = /^[A-Za-z0-9_-]{43}$/;

/** Redis holds a hash of the id, so someone who can read Redis keys still cannot make a cookie from one. */
const digest = (id: string) => createHash('sha256').update(id).digest('base64url');
export const sessionKey = (prefix: string, id: string) => `${prefix}:dash:session:${digest(id)}`;
const proctorKey = (tenantId: string, sub: string) => digest(`${tenantId}\u0000${sub}`);
const streamsKey = (prefix: string, tenantId: string, sub: string) =>
  `${prefix}:dash:streams:${proctorKey(tenantId, sub)}`;
const sessionsKey = (prefix: string, tenantId: string, sub: string) =>
  `${prefix}:dash:sessions:${proctorKey(tenantId, sub)}`;

/**
 * KEYS[1] the proctor's sessions (zset: session key -> sign-in ms). ARGV: now, SESSION_MAX_MS, cap, the new
 * session's key. Entries older than the longest life are dropped; returns the keys pushed out (the oldest) to delete.
 * One key: each session key lives in its own Redis Cluster slot, so they are deleted in calls of their own.
 */
const ADD_SESSION = redisScript(`
local now = tonumber(ARGV[1])
local maxMs = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - maxMs)
redis.call('ZADD', KEYS[1], now, ARGV[4])
redis.call('PEXPIRE', KEYS[1], maxMs)
local over = redis.call('ZCARD', KEYS[1]) - tonumber(ARGV[3])
if over <= 0 then return {} end
local oldest = redis.call('ZRANGE', KEYS[1], 0, over - 1)
redis.call('ZREMRANGEBYRANK', KEYS[1], 0, over - 1)
return oldest
`);

/** The end of a session signed in at `nowMs` with a token expiring at `expSeconds`, epoch seconds. */
export function sessionEnd(expSeconds: number, nowMs = Date.now()): number {
  return Math.min(expSeconds, Math.floor((nowMs + SESSION_MAX_MS) / 1000));
}

/**
 * Opens a session ending at `sessionEnd` (null when that has passed) and ends the proctor's oldest ones beyond
 * `maxPerProctor`. Returns its id and its end, for the cookie.
 */
export async function createSession(
  redis: RedisClient,
  prefix: string,
  session: { tenantId: string; sub: string; role: ProctorRole; name?: string | undefined; exp: number },
  maxPerProctor: number,
  nowMs = Date.now(),
): Promise<{ id: string; exp: number } | null> {
  const exp = sessionEnd(session.exp, nowMs);
  const ttlMs = exp * 1000 - nowMs;
  if (ttlMs <= 0) return null;
  const id = randomBytes(32).toString('base64url');
  const key = sessionKey(prefix, id);
  const value: StoredSession = StoredSession.parse({ ...session, exp });
  await redis.set(key, JSON.stringify(value), 'PX', ttlMs);
  const pushedOut = (await ADD_SESSION.run(
    redis,
    [sessionsKey(prefix, session.tenantId, session.sub)],
    [nowMs, SESSION_MAX_MS, maxPerProctor, key],
  )) as string[];
  for (const old of pushedOut) await redis.del(old);
  return { id, exp };
}

/** The session a cookie names, or null when it ended (logout, expiry) or never existed. */
export async function readSession(redis: RedisClient, prefix: string, id: string): Promise<StoredSession | null> {
  if (!SESSION_ID.test(id)) return null;
  return parseStoredJson(StoredSession, await redis.get(sessionKey(prefix, id)));
}

export async function deleteSession(redis: RedisClient, prefix: string, id: string): Promise<void> {
  if (SESSION_ID.test(id)) await redis.del(sessionKey(prefix, id));
}

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
      const r = await LEASE.run(redis, [key], [Date.now(), opts.leaseMs, opts.cap, streamId, mode]);
      return r === 1 ? 'ok' : 'full';
    },
    async release() {
      await redis.zrem(key, streamId);
    },
  };
}
