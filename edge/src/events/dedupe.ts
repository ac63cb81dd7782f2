// Exactly-once at the edge's door: one mark per eventId in the session's hash (contracts eventMarkField), 'p'
// (pending) while a produce is in flight and 'd' (done) once the event is durable. A mark becomes 'd' only after Kafka
// acknowledged, so a failure never loses an event. The batch's admission script claims them (admitBatch.ts); here the
// two writes after the produce, each one round trip for the whole batch.
import { eventMarkField, sessionStateKey } from '@proctor/contracts';
import type { Redis } from '@upstash/redis/cloudflare';
import { evalScript, upstashScript } from '../services/upstashScript.ts';

/**
 * What a claim found for one event:
 * - claimed: no mark existed and we set 'p': ours to produce (and to release if the produce fails);
 * - pending: another attempt is in flight or crashed: produce it again (downstream is idempotent by eventId);
 * - done: already durable: a duplicate.
 */
export type Claim = 'claimed' | 'pending' | 'done';

// KEYS: the session's hash. ARGV: eventIds… Deletes only marks still pending (one another request made 'd' meanwhile
// stays) and takes them off the marks count. A path of failures only (a refused or failed produce), so its cost is
// not on the budget's hot path.
const RELEASE = upstashScript(`
local fields = {}
for i = 1, #ARGV do fields[i] = 'm:' .. ARGV[i] end
local v = redis.call('HMGET', KEYS[1], unpack(fields))
local gone = {}
for i = 1, #ARGV do if v[i] == 'p' then gone[#gone + 1] = fields[i] end end
if #gone == 0 then return 0 end
local n = redis.call('HDEL', KEYS[1], unpack(gone))
redis.call('HINCRBY', KEYS[1], 'mn', -n)
return n
`);

export function parseClaim(mark: unknown): Claim {
  if (mark === 'c') return 'claimed';
  return mark === 'd' ? 'done' : 'pending';
}

/**
 * After a successful produce: every produced event's mark becomes final. One plain HSET (no EXPIRE: the admission
 * renewed the hash's TTL moments ago, at least 7 h remaining). Should the hash be deleted in between (an erasure), this
 * write would make a hash without a TTL: the erasure leaves an expiring `status: erased` hash in its place instead
 * (processor/src/lifecycle/erasure.ts), which this write only adds to.
 */
export async function markDone(redis: Redis, prefix: string, sessionId: string, eventIds: string[]): Promise<void> {
  if (eventIds.length === 0) return;
  await redis.hset(
    sessionStateKey(sessionId, prefix),
    Object.fromEntries(eventIds.map((id) => [eventMarkField(id), 'd'])),
  );
}

/** After a failed produce (or a refused request): forget the marks this request set, so a retry is not delayed. */
export async function releaseClaims(
  redis: Redis,
  prefix: string,
  sessionId: string,
  eventIds: string[],
): Promise<void> {
  if (eventIds.length === 0) return;
  await evalScript(redis, RELEASE, [sessionStateKey(sessionId, prefix)], eventIds);
}
