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
 */
const cache = new Map<string, { at: number; read: Promise<PublishedPolicies> }>();

/** The one call that reads tenant-level policy keys. */
export async function readPolicies(
  redis: Redis,
  prefix: string,
  tenantId: string,
  scheduleId: string,
  now: number,
  cacheMs: number,
): Promise<PublishedPolicies> {
  const id = `${prefix}\u0000${tenantId}\u0000${scheduleId}`;
  const hit = cache.get(id);
  if (hit && now - hit.at < cacheMs) return hit.read;
  const keys = [tenantPolicyKey(tenantId, prefix), schedulePolicyKey(tenantId, scheduleId, prefix)] as const;
  const read = redis.mget<unknown[]>(...keys).then(([tenant, schedule]) => ({
    tenant: parsePublished(keys[0], tenant),
    schedule: parsePublished(keys[1], schedule),
  }));
  // A failed read is not kept: the next start asks again. Bounded: a full cache starts over.
  if (cache.size >= 10_000) cache.clear();
  if (cacheMs > 0) cache.set(id, { at: now, read });
  read.catch(() => cache.delete(id));
  return read;
}
