// Publishes a saved policy to Redis for the edge (which never talks to MySQL), under the contracts' versioned key.
import { type Policy, type PublishedPolicy, schedulePolicyKey, tenantPolicyKey } from '@proctor/contracts';
import type { RedisClient } from '@proctor/contracts/redis';
import { TENANT_LAYER } from './policyStore.ts';

// Writes only a newer version: two saves published out of order never leave the older policy live.
const PUBLISH_IF_NEWER = `
local cur = redis.call('GET', KEYS[1])
if cur then
  local ok, doc = pcall(cjson.decode, cur)
  if ok and type(doc) == 'table' and tonumber(doc.version) and tonumber(doc.version) >= tonumber(ARGV[1]) then
    return 0
  end
end
redis.call('SET', KEYS[1], ARGV[2])
return 1
`;

function policyKey(prefix: string, tenantId: string, scheduleId: string): string {
  return scheduleId === TENANT_LAYER
    ? tenantPolicyKey(tenantId, prefix)
    : schedulePolicyKey(tenantId, scheduleId, prefix);
}

/** True when this version is now the published one (false: a newer one already was). No TTL: it lives until replaced. */
export async function publishPolicy(
  redis: RedisClient,
  prefix: string,
  tenantId: string,
  scheduleId: string,
  version: number,
  policy: Policy,
): Promise<boolean> {
  const value: PublishedPolicy = { version, policy };
  const written = await redis.eval(
    PUBLISH_IF_NEWER,
    1,
    policyKey(prefix, tenantId, scheduleId),
    version,
    JSON.stringify(value),
  );
  return written === 1;
}
