// Reads the tenant's and the schedule's published policy (written by the dashboard) in one MGET on the tenant's slot,
// cached in the isolate for POLICY_CACHE_MS: policies change rarely, and a start should not pay a command for them.
import { PublishedPolicy, schedulePolicyKey, tenantPolicyKey } from '@proctor/contracts';
import type { Redis } from '@upstash/redis/cloudflare';

export type PublishedPolicies = { tenant: PublishedPolicy | null; schedule: PublishedPolicy | null };

function parsePublished(key: string, raw: unknown): PublishedPolicy | null {
  if (raw === null || raw === undefined) return null;
  try {
    return PublishedPolicy.parse(JSON.parse(String(raw)));
  } catch {
    // A bug in its writer: name the key and refuse the start (503), never run with half a policy.
    throw new Error(`published policy at ${key} is unreadable`);
  }
}

/**
 * The isolate's reads (isolate-lifetime state), kept POLICY_CACHE_SECONDS: a published change reaches new starts
 * within that. Only starts read policies, and a start's own decisions (thresholds, opt-ins) are stored with its session.
 *
 * Only settled reads are kept, never a read in flight: a request must not wait on a promise another request's I/O
 * settles. workerd delivers that continuation through the other request, and when that request has finished first it
 * drops it: the waiting start hung until the runtime cancelled it with a 500 ("A promise was resolved or rejected from
 * a different request context", then "Cannot perform I/O on behalf of a different request"), 156 of them in the
 * cohort ramp's 10,000 step on 2026-12-07. A cold isolate's burst of starts reads once per start until the first
 * read lands: a few MGETs, once per isolate and schedule.
 */
const cache = new Map<string, { at: number; value: PublishedPolicies }>();

/** The one call that reads tenant-level policy keys. */
export async function readPolicies(
  redis: Pick<Redis, 'mget'>,
  prefix: string,
  tenantId: string,
  scheduleId: string,
  now: number,
  cacheMs: number,
): Promise<PublishedPolicies> {
  const id = `${prefix}\u0000${tenantId}\u0000${scheduleId}`;
  const hit = cache.get(id);
  if (hit && now - hit.at < cacheMs) return hit.value;
  const keys = [tenantPolicyKey(tenantId, prefix), schedulePolicyKey(tenantId, scheduleId, prefix)] as const;
  const [tenant, schedule] = await redis.mget<unknown[]>(...keys);
  const value = { tenant: parsePublished(keys[0], tenant), schedule: parsePublished(keys[1], schedule) };
  // A failed read is not kept (it threw above): the next start asks again. Bounded: a full cache starts over.
  if (cacheMs > 0) {
    if (cache.size >= 10_000) cache.clear();
    cache.set(id, { at: now, value });
  }
  return value;
}
