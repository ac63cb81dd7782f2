// Reads a policy layer for the admin pages and API; re-publishes it, so a save whose publish failed heals on the
// next look (publishing the same version again is a no-op).
import { ExternalId } from '@proctor/contracts';
import type { PolicyView } from '../api/policySchemas.ts';
import { getPolicy, TENANT_LAYER } from './policyStore.ts';
import { publishPolicy } from './publish.ts';

type Ctx = Pick<App.Locals, 'principal' | 'services'>;

/** null for a schedule id that is not an id at all. */
export async function loadPolicy({ principal, services }: Ctx, scheduleId = TENANT_LAYER): Promise<PolicyView | null> {
  if (scheduleId !== TENANT_LAYER && !ExternalId.safeParse(scheduleId).success) return null;
  const stored = await getPolicy(services.db, principal.tenantId, scheduleId);
  if (stored) {
    await publishPolicy(
      services.edge.tenant(principal.tenantId),
      services.redisPrefix,
      principal.tenantId,
      scheduleId,
      stored.version,
      stored.policy,
    ).catch((err: unknown) => console.error('policy_publish_failed', { error: String(err) }));
  }
  return {
    scope: scheduleId === TENANT_LAYER ? 'tenant' : 'schedule',
    examScheduleId: scheduleId === TENANT_LAYER ? null : scheduleId,
    version: stored?.version ?? 0,
    policy: stored?.policy ?? {},
    updatedBy: stored?.updatedBy ?? null,
    updatedAt: stored?.updatedAt ?? null,
  };
}
