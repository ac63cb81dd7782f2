// Exactly-once at the edge's door: one mark per eventId, 'pending' while a produce is in flight, 'done' once the
// event is durable. A mark becomes 'done' only after Kafka acknowledged, so a failure never loses an event.
import { EVENT_MARK_TTL_SECONDS, eventMarkKey } from '@proctor/contracts';
import type { Redis } from '@upstash/redis/cloudflare';

/** A 'pending' mark outlives any produce attempt (timeouts are seconds), then frees the event for a retry. */
export const PENDING_TTL_SECONDS = 120;

/**
 * What SET … NX GET said about one event:
 * - claimed: no mark existed, we set 'pending': ours to produce (and to release if the produce fails);
 * - pending: another attempt is in flight or crashed: produce it again (downstream is idempotent by eventId);
 * - done: already durable: a duplicate.
 */
export type Claim = 'claimed' | 'pending' | 'done';

/**
 * `SET mark 'pending' NX EX 120 GET` per event; each reply is the mark's previous value. The commands are issued
 * in one tick, so the auto-pipelining client sends them (with whatever else the caller issued in that tick) as one
 * pipeline: one round trip for the whole batch.
 */
export function claimEvents(redis: Redis, prefix: string, sessionId: string, eventIds: string[]): Promise<Claim[]> {
  return Promise.all(
    eventIds.map((id) =>
      redis
        .set(eventMarkKey(sessionId, id, prefix), 'pending', { nx: true, ex: PENDING_TTL_SECONDS, get: true })
        .then(parseClaim),
    ),
  );
}

function parseClaim(reply: unknown): Claim {
  if (reply === null || reply === undefined) return 'claimed';
  return reply === 'done' ? 'done' : 'pending';
}

/** After a successful produce: every produced event's mark becomes final. One pipeline. */
export async function markDone(redis: Redis, prefix: string, sessionId: string, eventIds: string[]): Promise<void> {
  if (eventIds.length === 0) return;
  const p = redis.pipeline();
  for (const id of eventIds) p.set(eventMarkKey(sessionId, id, prefix), 'done', { ex: EVENT_MARK_TTL_SECONDS });
  await p.exec();
}

/** After a failed produce (or a refused request): forget the marks this request set, so a retry is not delayed. */
export async function releaseClaims(
  redis: Redis,
  prefix: string,
  sessionId: string,
  eventIds: string[],
): Promise<void> {
  if (eventIds.length === 0) return;
  await redis.del(...eventIds.map((id) => eventMarkKey(sessionId, id, prefix)));
}
