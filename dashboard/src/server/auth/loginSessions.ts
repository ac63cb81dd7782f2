// Proctors' login sessions in Redis: the cookie names one, logout deletes it, and it ends with the token or after
// SESSION_MAX_MS, whichever is first. A proctor holds at most a few (the oldest ends), so one token cannot fill the
// Redis the edge shares.
import { createHash, randomBytes } from 'node:crypto';
import { loginSessionKey, type ProctorRole, proctorLoginSessionsKey, ProctorRole as Role } from '@proctor/contracts';
import type { RedisClient } from '@proctor/contracts/redis';
import { redisScript, runScript } from '@proctor/contracts/redis/scripts';
import { z } from 'zod';
import { parseStoredJson } from '../redis/storedJson.ts';

/** A session's longest life, whatever the token's `exp`: a sign-in a day (and below any timer's 24.8-day limit). */
export const SESSION_MAX_MS = 24 * 60 * 60 * 1000;

/** What a session remembers of the verified token: the principal's identity, never the token itself. */
const LoginSession = z.object({
  tenantId: z.string(),
  sub: z.string(),
  role: Role,
  name: z.string().optional(),
  /** When the session ends, epoch seconds: the token's `exp`, or SESSION_MAX_MS after sign-in if that is sooner. */
  exp: z.number().int(),
});
export type LoginSession = z.infer<typeof LoginSession>;

/** 256 random bits, base64url: the id the cookie carries. */
const SESSION_ID = /^[A-Za-z0-9_-]{43}$/;

/**
 * Redis key names hold a hash of a secret id, so someone who can read Redis keys still cannot make a cookie from one.
 */
export const keyDigest = (id: string) => createHash('sha256').update(id).digest('base64url');
/** The Redis key of the session a cookie id names. */
export const loginSessionKeyOf = (prefix: string, id: string) => loginSessionKey(keyDigest(id), prefix);

/**
 * KEYS[1] the proctor's sessions (zset: session key -> sign-in ms). ARGV: now, SESSION_MAX_MS, cap, the new
 * session's key. Entries older than the longest life are dropped; returns the keys pushed out (the oldest) to delete.
 * One key: each session key lives in its own Redis Cluster slot, so they are deleted in calls of their own.
 */
const ADD_SESSION = redisScript(`
local now = tonumber(ARGV[1])
local maxMs = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - maxMs)
-- Scores strictly increase, so that "oldest" is the order of sign-in: two sign-ins in one millisecond would tie, and
-- a tie is ordered by member (a random key), which could end the session just opened instead of the oldest.
local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
if last[2] and tonumber(last[2]) >= now then now = tonumber(last[2]) + 1 end
redis.call('ZADD', KEYS[1], now, ARGV[4])
redis.call('PEXPIRE', KEYS[1], maxMs)
local over = redis.call('ZCARD', KEYS[1]) - tonumber(ARGV[3])
if over <= 0 then return {} end
local oldest = redis.call('ZRANGE', KEYS[1], 0, over - 1)
redis.call('ZREMRANGEBYRANK', KEYS[1], 0, over - 1)
return oldest
`);

/** The end of a session signed in at `nowMs` with a token expiring at `expSeconds`, epoch seconds. */
function sessionEnd(expSeconds: number, nowMs = Date.now()): number {
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
  const key = loginSessionKeyOf(prefix, id);
  const value: LoginSession = LoginSession.parse({ ...session, exp });
  await redis.set(key, JSON.stringify(value), 'PX', ttlMs);
  const proctor = proctorLoginSessionsKey(keyDigest(`${session.tenantId}\u0000${session.sub}`), prefix);
  const pushedOut = (await runScript(redis, ADD_SESSION, [proctor], [nowMs, SESSION_MAX_MS, maxPerProctor, key])) as
    | string[]
    | null;
  for (const old of pushedOut ?? []) await redis.del(old);
  return { id, exp };
}

/** The session a cookie names, or null when it ended (logout, expiry) or never existed. */
export async function readSession(redis: RedisClient, prefix: string, id: string): Promise<LoginSession | null> {
  if (!SESSION_ID.test(id)) return null;
  return parseStoredJson(LoginSession, await redis.get(loginSessionKeyOf(prefix, id)));
}

export async function deleteSession(redis: RedisClient, prefix: string, id: string): Promise<void> {
  if (SESSION_ID.test(id)) await redis.del(loginSessionKeyOf(prefix, id));
}
