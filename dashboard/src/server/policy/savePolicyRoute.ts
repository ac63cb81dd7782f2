// The one handler behind both policy POST routes: JSON or the editor's form, validated, saved, audited, published.
import { PolicySchema, type PublishedPolicy, resolveSessionConfig, SchedulePolicySchema } from '@proctor/contracts';
import type { APIContext } from 'astro';
import { PolicySaveBody } from '../api/policySchemas.ts';
import { type Flash, setFlash } from '../auth/flash.ts';
import { BODY_LIMITS, readFormOrJson } from '../http/bodyLimit.ts';
import { apiError, describeIssues, json } from '../http/respond.ts';
import type { Db } from '../queries/sql.ts';
import { policyFromForm } from './policyForm.ts';
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

export async function handlePolicySave(ctx: APIContext, scheduleId: string): Promise<Response> {
  const { locals, request, redirect } = ctx;
  const { principal, services, requestId } = locals;
  const tenantLayer = scheduleId === TENANT_LAYER;
  const back = tenantLayer ? '/admin/policy' : `/admin/schedules/${encodeURIComponent(scheduleId)}`;
  const read = await readFormOrJson(request, BODY_LIMITS.policy, requestId, {
    malformed: 'the body must be JSON: {"policy":{…},"expectedVersion":N}',
    unsupported: 'send application/json: {"policy":{…},"expectedVersion":N}',
  });
  if ('error' in read) return read.error;
  const form = 'form' in read;
  let raw: unknown = 'json' in read ? read.json : undefined;
  if ('form' in read) {
    if (!read.form) return apiError('VALIDATION_FAILED', 'the form body could not be read', requestId);
    raw = {
      policy: policyFromForm(read.form, { tenantLayer }),
      expectedVersion: Number(read.form.get('version') ?? 0),
    };
  }
  // The editor's form learns the outcome from a one-time notice for its page (auth/flash.ts), never the URL.
  const backWith = async (flash: Flash) => {
    await setFlash(services.redis, services.redisPrefix, principal.sessionId, back, flash);
    return redirect(back, 303);
  };
  const fail = (
    code: 'VALIDATION_FAILED' | 'POLICY_VERSION_CONFLICT' | 'SCHEDULE_POLICY_CONFLICT',
    message: string,
    details?: unknown,
  ) => (form ? backWith({ kind: 'error', message }) : apiError(code, message, requestId, { details }));

  const body = PolicySaveBody.safeParse(raw);
  if (!body.success) return fail('VALIDATION_FAILED', describeIssues(body.error.issues), body.error.issues);
  const layer = (tenantLayer ? PolicySchema : SchedulePolicySchema).safeParse(body.data.policy);
  if (!layer.success) return fail('VALIDATION_FAILED', describeIssues(layer.error.issues), layer.error.issues);

  const other = await getPolicy(services.db, principal.tenantId, tenantLayer ? scheduleId : TENANT_LAYER);
  const mine: PublishedPolicy = { version: body.data.expectedVersion + 1, policy: layer.data };
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
    expectedVersion: body.data.expectedVersion,
    actor: principal.sub,
  });
  if (!saved.ok) {
    return fail(
      'POLICY_VERSION_CONFLICT',
      `someone saved version ${saved.currentVersion} meanwhile: reload and edit again`,
      {
        currentVersion: saved.currentVersion,
      },
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
      console.error('policy_publish_failed', { requestId, error: String(err) });
      return false;
    },
  );
  if (form) return backWith({ kind: 'policySaved', version: saved.version, published });
  return json({ version: saved.version, published });
}
