// The one save behind both policy POST routes (JSON or the editor's form, already validated by the route): checked
// against the other layer, saved with its audit, published.
import {
  ApiError,
  errorContext,
  PolicySchema,
  type PublishedPolicy,
  resolveSessionConfig,
  SchedulePolicySchema,
} from '@proctor/contracts';
import type { Context } from 'hono';
import type { DashboardEnv } from '../api/context.ts';
import { backTo } from '../api/middleware/formBody.ts';
import type { PolicySaveBody } from '../api/policySchemas.ts';
import { describeIssues } from '../http/respond.ts';
import { log } from '../log.ts';
import type { Db } from '../queries/sql.ts';
import { getPolicy, listSchedulePolicies, savePolicy, TENANT_LAYER } from './policyStore.ts';
import { publishPolicy } from './publish.ts';

/** A layer is saved only if it combines with the other one for everybody, accommodated users included. */
function combinationProblem(tenant: PublishedPolicy | null, schedule: PublishedPolicy | null): string | null {
  const users = [...(tenant?.policy.accommodations ?? []), ...(schedule?.policy.accommodations ?? [])].map(
    (a) => a.userId,
  );
  for (const userId of ['', ...users]) {
    const out = resolveSessionConfig({ userId: userId || 'no-accommodation', tenant, schedule });
    if (!out.ok) return `${out.field}: ${out.message}${userId ? ` (accommodation of ${userId})` : ''}`;
  }
  return null;
}

/**
 * A tenant policy is saved only if every schedule policy of the tenant still combines with it: otherwise every start
 * of that schedule would fail at the edge. The first schedule that would break, with why.
 */
async function brokenSchedule(
  db: Db,
  tenantId: string,
  tenant: PublishedPolicy,
): Promise<{ scheduleId: string; problem: string } | null> {
  for (const s of await listSchedulePolicies(db, tenantId)) {
    const problem = combinationProblem(tenant, { version: s.version, policy: s.policy });
    if (problem) return { scheduleId: s.scheduleId, problem };
  }
  return null;
}

/** Where the editor of a layer lives: the form's redirect and notice go back there. */
export const editorPage = (scheduleId: string) =>
  scheduleId === TENANT_LAYER ? '/admin/policy' : `/admin/schedules/${encodeURIComponent(scheduleId)}`;

/**
 * Saves one layer (the tenant's, or a schedule's) from a validated body: checked against the other layer, saved with
 * its audit, then published. A form post (the editor) learns the outcome from a notice on its page.
 */
export async function savePolicyLayer(
  c: Context<DashboardEnv>,
  scheduleId: string,
  body: PolicySaveBody,
): Promise<Response> {
  const { principal, services, requestId } = c.var;
  const tenantLayer = scheduleId === TENANT_LAYER;
  const fail = (
    code: 'VALIDATION_FAILED' | 'POLICY_VERSION_CONFLICT' | 'SCHEDULE_POLICY_CONFLICT',
    message: string,
    details?: unknown,
  ) => {
    if (c.var.form) return backTo(c, editorPage(scheduleId), { kind: 'error', message });
    throw new ApiError(code, message, { details });
  };

  const layer = (tenantLayer ? PolicySchema : SchedulePolicySchema).safeParse(body.policy);
  if (!layer.success) return fail('VALIDATION_FAILED', describeIssues(layer.error.issues), layer.error.issues);

  const other = await getPolicy(services.db, principal.tenantId, tenantLayer ? scheduleId : TENANT_LAYER);
  const mine: PublishedPolicy = { version: body.expectedVersion + 1, policy: layer.data };
  const theirs = other && !tenantLayer ? { version: other.version, policy: other.policy } : null;
  const problem = tenantLayer ? combinationProblem(mine, null) : combinationProblem(theirs, mine);
  if (problem) return fail('VALIDATION_FAILED', `these thresholds do not combine: ${problem}`);
  const broken = tenantLayer ? await brokenSchedule(services.db, principal.tenantId, mine) : null;
  if (broken) {
    return fail(
      'SCHEDULE_POLICY_CONFLICT',
      `schedule ${broken.scheduleId}'s policy would no longer combine with this tenant policy (${broken.problem}), ` +
        'so every start of that schedule would fail: change that schedule’s policy first, or this one',
      { scheduleId: broken.scheduleId, problem: broken.problem },
    );
  }

  const saved = await savePolicy(services.db, {
    tenantId: principal.tenantId,
    scheduleId,
    policy: layer.data,
    expectedVersion: body.expectedVersion,
    actor: principal.sub,
  });
  if (!saved.ok) {
    return fail(
      'POLICY_VERSION_CONFLICT',
      `someone saved version ${saved.currentVersion} meanwhile: reload and edit again`,
      { currentVersion: saved.currentVersion },
    );
  }
  // After the commit: the edge must never see a policy that MySQL does not hold.
  const published = await publishPolicy(
    services.edge.tenant(principal.tenantId),
    services.redisPrefix,
    principal.tenantId,
    scheduleId,
    saved.version,
    layer.data,
  ).then(
    () => true,
    (err: unknown) => {
      log.error('policy_publish_failed', { requestId, ...errorContext(err) });
      return false;
    },
  );
  if (c.var.form) return backTo(c, editorPage(scheduleId), { kind: 'policySaved', version: saved.version, published });
  return c.json({ version: saved.version, published }, 200);
}
