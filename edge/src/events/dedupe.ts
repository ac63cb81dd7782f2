// Exactly-once at the edge's door: one mark per eventId in the session's marks hash, 'p' (pending) while a produce
// is in flight and 'd' (done) once the event is durable. A mark becomes 'd' only after Kafka acknowledged, so a
// failure never loses an event. Each operation is one script or pipeline: one round trip for the whole batch.
import { EVENT_MARK_TTL_SECONDS, eventMarksKey } from '@proctor/contracts';
import type { Redis } from '@upstash/redis/cloudflare';
import { evalScript, upstashScript } from '../services/upstashScript.ts';

/**
 * What a claim found for one event:
 * - claimed: no mark existed and we set 'p': ours to produce (and to release if the produce fails);
 * - pending: another attempt is in flight or crashed: produce it again (downstream is idempotent by eventId);
 * - done: already durable: a duplicate.
 */
export type Claim = 'claimed' | 'pending' | 'done';

/**
 * Lua: `claimEvents(marks key, ttl, cap, index of the first eventId in ARGV)` returns, per event, its previous mark
 * or 'c' when this call claimed it (a Lua table cannot hold nil, so "no mark" comes back as 'c'); or nil, claiming
 * nothing, when the new marks would take the hash past `cap` (EVENT_MARKS_MAX): a batch is refused whole, never
 * partly dropped. Run by the batch's admission script (admitBatch.ts), after its limit and session checks.
 */
export const CLAIM_LUA = `
local function claimEvents(key, ttl, cap, first)
  local out, fresh = {}, 0
  for i = first, #ARGV do
    local v = redis.call('HGET', key, ARGV[i])
    if v then out[i - first + 1] = v else out[i - first + 1] = 'c'; fresh = fresh + 1 end
  end
  if fresh > 0 and redis.call('HLEN', key) + fresh > cap then return nil end
  for i = first, #ARGV do
    if out[i - first + 1] == 'c' then redis.call('HSET', key, ARGV[i], 'p') end
  end
  redis.call('EXPIRE', key, ttl)
  return out
end
`;

// KEYS: marks. ARGV: eventIds… Deletes only marks still pending: one another request made 'd' meanwhile stays.
const RELEASE = upstashScript(`
local n = 0
for i = 1, #ARGV do
  if redis.call('HGET', KEYS[1], ARGV[i]) == 'p' then n = n + redis.call('HDEL', KEYS[1], ARGV[i]) end
end
return n
`);

export function parseClaim(mark: unknown): Claim {
  if (mark === 'c') return 'claimed';
  return mark === 'd' ? 'done' : 'pending';
}

/** After a successful produce: every produced event's mark becomes final, and the hash's TTL is refreshed. */
export async function markDone(redis: Redis, prefix: string, sessionId: string, eventIds: string[]): Promise<void> {
  if (eventIds.length === 0) return;
  const key = eventMarksKey(sessionId, prefix);
  const p = redis.pipeline();
  p.hset(key, Object.fromEntries(eventIds.map((id) => [id, 'd'])));
  p.expire(key, EVENT_MARK_TTL_SECONDS);
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
  await evalScript(redis, RELEASE, [eventMarksKey(sessionId, prefix)], eventIds);
}
