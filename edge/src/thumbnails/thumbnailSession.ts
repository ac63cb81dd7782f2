// What POST /thumbnails needs from Redis: the session's status, tenant and opt-in, then an hourly slot per eventId.
import {
  SESSION_STATE_TTL_SECONDS,
  sessionStateKey,
  THUMBNAILS_OFF,
  ThumbnailsPolicy,
  thumbnailSlotsKey,
} from '@proctor/contracts';
import type { Redis } from '@upstash/redis/cloudflare';
import { evalScript, upstashScript } from '../services/upstashScript.ts';
import type { TouchResult } from '../sessions/sessionLifecycle.ts';

export type ThumbnailSession = { state: TouchResult; thumbnails: ThumbnailsPolicy };

/**
 * The opt-in comes from the config the session was started with (`config.thumbnails`), never from the request:
 * a session without it (started before policies, or by a tenant that never opted in) has thumbnails off.
 */
export function thumbnailsOf(configJson: string | null | undefined): ThumbnailsPolicy {
  if (!configJson) return THUMBNAILS_OFF;
  try {
    const parsed = ThumbnailsPolicy.safeParse((JSON.parse(configJson) as { thumbnails?: unknown }).thumbnails);
    return parsed.success ? parsed.data : THUMBNAILS_OFF;
  } catch {
    return THUMBNAILS_OFF;
  }
}

export async function readThumbnailSession(redis: Redis, prefix: string, sessionId: string): Promise<ThumbnailSession> {
  // With automaticDeserialization off (createRedis) the client hands back HMGET's raw array of values.
  const [status, tenantId, config] = (await redis.hmget(
    sessionStateKey(sessionId, prefix),
    'status',
    'tenantId',
    'config',
  )) as unknown as (string | null)[];
  const state: TouchResult =
    status === 'active' || status === 'ended'
      ? { status, tenantId: String(tenantId), heartbeatIntervalSeconds: 0, livenessWindowMs: 0 }
      : { status: 'missing' };
  return { state, thumbnails: thumbnailsOf(config) };
}

const HOUR_MS = 3_600_000;

// KEYS: slots. ARGV: now, windowMs, max, eventId, ttl. Returns {1} when the eventId holds a slot (a retry of an
// upload keeps its slot, so a failed store is never counted twice), or {0, retryAfterMs} when the hour is full.
const TAKE_SLOT = upstashScript(`
local now = tonumber(ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - tonumber(ARGV[2]))
if redis.call('ZSCORE', KEYS[1], ARGV[4]) then return {1} end
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return {0, tonumber(oldest[2]) + tonumber(ARGV[2]) - now}
end
redis.call('ZADD', KEYS[1], now, ARGV[4])
redis.call('EXPIRE', KEYS[1], ARGV[5])
return {1}
`);

export type SlotDecision = { ok: true } | { ok: false; retryAfterSeconds: number };

/** At most `maxPerHour` distinct events per session in any sliding hour. */
export async function takeThumbnailSlot(
  redis: Redis,
  prefix: string,
  sessionId: string,
  eventId: string,
  maxPerHour: number,
  now: number,
): Promise<SlotDecision> {
  const [ok, retryAfterMs] = (await evalScript(
    redis,
    TAKE_SLOT,
    [thumbnailSlotsKey(sessionId, prefix)],
    [String(now), String(HOUR_MS), String(maxPerHour), eventId, String(SESSION_STATE_TTL_SECONDS)],
  )) as [number, number?];
  if (ok === 1) return { ok: true };
  return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(Number(retryAfterMs ?? HOUR_MS) / 1000)) };
}
