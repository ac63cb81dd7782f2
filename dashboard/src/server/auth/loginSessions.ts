// Proctors' login sessions in Redis: the cookie names one, logout deletes it, and it expires with the token.
import { createHash, randomBytes } from 'node:crypto';
import { loginSessionKey, type ProctorRole, ProctorRole as Role } from '@proctor/contracts';
import type { RedisClient } from '@proctor/contracts/redis';
import { z } from 'zod';

/** What a session remembers of the verified token: the principal's identity, never the token itself. */
const LoginSession = z.object({
  tenantId: z.string(),
  sub: z.string(),
  role: Role,
  name: z.string().optional(),
  exp: z.number().int(),
});
export type LoginSession = z.infer<typeof LoginSession>;

/** 256 random bits, base64url: the id the cookie carries. */
const SESSION_ID = /^[A-Za-z0-9_-]{43}$/;

/**
 * Redis key names hold a hash of a secret id, so someone who can read Redis keys still cannot make a cookie from one.
 */
export const keyDigest = (id: string) => createHash('sha256').update(id).digest('base64url');

export async function createSession(
  redis: RedisClient,
  prefix: string,
  session: { tenantId: string; sub: string; role: ProctorRole; name?: string | undefined; exp: number },
  nowMs = Date.now(),
): Promise<string | null> {
  const ttlMs = session.exp * 1000 - nowMs;
  if (ttlMs <= 0) return null;
  const id = randomBytes(32).toString('base64url');
  const value: LoginSession = LoginSession.parse(session);
  await redis.set(loginSessionKey(keyDigest(id), prefix), JSON.stringify(value), 'PX', ttlMs);
  return id;
}

/** The session a cookie names, or null when it ended (logout, expiry) or never existed. */
export async function readSession(redis: RedisClient, prefix: string, id: string): Promise<LoginSession | null> {
  if (!SESSION_ID.test(id)) return null;
  const raw = await redis.get(loginSessionKey(keyDigest(id), prefix));
  if (!raw) return null;
  try {
    const parsed = LoginSession.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export async function deleteSession(redis: RedisClient, prefix: string, id: string): Promise<void> {
  if (SESSION_ID.test(id)) await redis.del(loginSessionKey(keyDigest(id), prefix));
}
