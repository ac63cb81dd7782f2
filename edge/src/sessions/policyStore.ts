// Reads the tenant's and the schedule's published policy (written by the dashboard) in one MGET on the tenant's slot.
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
 * Issued in the same tick as the start's rate-limit call, so the client's auto-pipelining sends both in the one
 * round trip the start already made.
 */
export async function readPolicies(
  redis: Redis,
  prefix: string,
  tenantId: string,
  scheduleId: string,
): Promise<PublishedPolicies> {
  const keys = [tenantPolicyKey(tenantId, prefix), schedulePolicyKey(tenantId, scheduleId, prefix)] as const;
  const [tenant, schedule] = await redis.mget<unknown[]>(...keys);
  return { tenant: parsePublished(keys[0], tenant), schedule: parsePublished(keys[1], schedule) };
}
