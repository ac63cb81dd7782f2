// Live presence from Redis: each session's liveness deadline in its shard (contracts redisKeys), one round trip
// (one per node on a Redis Cluster: the shards are spread over its slots).
import { livenessKey, livenessShard } from '@proctor/contracts';
import { execEach, type RedisClient } from '@proctor/contracts/redis';
import type { Presence, RankedSession } from '../api/schemas.ts';
import type { SessionBase } from '../queries/sessions.ts';

/** Redis is live state, not history: if it is slow or down the page still works, and says presence is unknown. */
const REDIS_TIMEOUT_MS = 300;

export interface PresenceResult {
  sessions: RankedSession[];
  degraded: boolean;
}

/**
 * The liveness sorted sets score each session by its deadline (epoch ms: last seen + N heartbeat intervals).
 * A deadline in the future is online; a past one is overdue (the processor will raise connection_lost).
 * Ended sessions are removed from liveness, so they read as unknown and the page shows their status instead.
 */
export async function withPresence(
  redis: RedisClient,
  sessions: SessionBase[],
  prefix: string,
  now = Date.now(),
): Promise<PresenceResult> {
  if (sessions.length === 0) return { sessions: [], degraded: false };
  const batch = execEach(
    redis,
    sessions.map((s) => ['zscore', livenessKey(livenessShard(s.sessionId), prefix), s.sessionId]),
  );
  let scores: (string | null)[] | null = null;
  try {
    const results = await Promise.race([
      batch,
      new Promise<null>((resolve) => setTimeout(resolve, REDIS_TIMEOUT_MS, null)),
    ]);
    if (results) scores = results.map(([err, value]) => (err ? null : (value as string | null)));
  } catch {
    scores = null;
  }
  return {
    degraded: scores === null,
    sessions: sessions.map((s, i) => ({ ...s, presence: presenceOf(s, scores?.[i] ?? null, now) })),
  };
}

export function presenceOf(session: SessionBase, deadline: string | null, now: number): Presence {
  if (session.status === 'ended' || deadline === null) return 'unknown';
  return Number(deadline) >= now ? 'online' : 'overdue';
}
