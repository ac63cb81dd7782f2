// A fixed, seeded workload for control runs (the fault suite compares a faulty run against this): what it must
// deliver per session, and a run that reports what the edge actually made durable per session.
import { deriveSessionId } from '@proctor/contracts';
import type { CandidateOutcome, MintToken } from './candidate.ts';
import { startCohort } from './cohort.ts';
import type { CohortMetrics } from './metrics.ts';
import { BEHAVIOURS, type PlanOptions, planCohort, plannedEventIds } from './mix.ts';

export interface FixedWorkloadOptions extends Partial<PlanOptions> {
  edgeUrl: string;
  mintToken: MintToken;
  tokenToleranceSeconds?: number;
  mysqlUrl?: string;
  /** The candidates' fetch (the fault suite watches each answer through it). */
  fetch?: typeof fetch;
}

/** Defaults: 24 candidates, three of each behaviour, seed 1, a 40 s exam, 2 tenants × 2 schedules. */
function fixedPlanOptions(o: Partial<PlanOptions> = {}): PlanOptions {
  return {
    candidates: 24,
    seed: 1,
    examMs: 40_000,
    tenants: 2,
    schedulesPerTenant: 2,
    runId: 'fixed',
    joinSpreadMs: 2000,
    glancesPerMinute: 3,
    mix: Object.fromEntries(BEHAVIOURS.map((b) => [b, 1])),
    ...o,
  };
}

/** sessionId → events a fault-free run delivers (every planned event). Pure: no network. */
export async function expectedWorkload(o: Partial<PlanOptions> = {}): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const p of planCohort(fixedPlanOptions(o))) {
    const id = await deriveSessionId({
      tenant_id: p.tenantId,
      exam_schedule_id: p.scheduleId,
      user_id: p.userId,
      attempt_no: 1,
    });
    out.set(id, plannedEventIds(p).length);
  }
  return out;
}

export interface FixedWorkloadResult {
  /** sessionId → distinct events the edge answered as durable (accepted or duplicate). */
  accepted: Map<string, number>;
  outcomes: CandidateOutcome[];
  metrics: CohortMetrics;
}

/** Runs the fixed workload to its end against a live edge. */
export async function runFixedWorkload(o: FixedWorkloadOptions): Promise<FixedWorkloadResult> {
  const cohort = startCohort({ ...fixedPlanOptions(o), ...o });
  const outcomes = await cohort.done;
  return {
    accepted: new Map(outcomes.map((x) => [x.sessionId, x.delivered.size])),
    outcomes,
    metrics: cohort.metrics,
  };
}
