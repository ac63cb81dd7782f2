// Runs a planned cohort against an edge: every candidate concurrently, each on its own transport, with shared
// metrics and (given a MySQL URL) the alert watcher. Stop it early with stop(); `done` resolves with the outcomes.
import { deriveSessionId, type ExamConfigOverrides } from '@proctor/contracts';
import { watchAlerts } from './alerts.ts';
import { type CandidateOutcome, type MintToken, runCandidate } from './candidate.ts';
import { type CohortMetrics, createMetrics } from './metrics.ts';
import { type CandidatePlan, type PlanOptions, planCohort } from './mix.ts';

export interface CohortOptions extends PlanOptions {
  edgeUrl: string;
  mintToken: MintToken;
  /** The edge's JWT clock tolerance (default 30 s, as the edge's default). */
  tokenToleranceSeconds?: number;
  /** Sent with sessions/start; default: the exam defaults. */
  examConfig?: ExamConfigOverrides;
  /** Low-severity events are batched this long, as the browser client does (default 5000 ms). */
  flushIntervalMs?: number;
  /** When given, alerts are read back from MySQL and event → alert latency measured. */
  mysqlUrl?: string;
  /** Shared counters, to run several waves (a ramp) into one set of numbers. */
  metrics?: CohortMetrics;
  fetch?: typeof fetch;
}

export interface RunningCohort {
  plans: CandidatePlan[];
  metrics: CohortMetrics;
  /** Session ids of the planned candidates, known once `ready` resolves. */
  sessionIds: Set<string>;
  ready: Promise<void>;
  /** Stops every candidate at once (no sessions/end), then resolves `done`. */
  stop(): Promise<CandidateOutcome[]>;
  done: Promise<CandidateOutcome[]>;
}

export function startCohort(o: CohortOptions): RunningCohort {
  const plans = planCohort(o);
  const metrics = o.metrics ?? createMetrics();
  const abort = new AbortController();
  const sessionIds = new Set<string>();
  const ready = Promise.all(
    plans.map((p) =>
      deriveSessionId({ tenant_id: p.tenantId, exam_schedule_id: p.scheduleId, user_id: p.userId, attempt_no: 1 }),
    ),
  ).then((ids) => {
    for (const id of ids) sessionIds.add(id);
  });
  const watcher = o.mysqlUrl ? watchAlerts(o.mysqlUrl, metrics, () => sessionIds) : undefined;
  const t0 = Date.now();
  const ctx = {
    edgeUrl: o.edgeUrl,
    mintToken: o.mintToken,
    tokenToleranceSeconds: o.tokenToleranceSeconds ?? 30,
    examConfig: o.examConfig ?? {},
    flushIntervalMs: o.flushIntervalMs ?? 5000,
    metrics,
    fetch: o.fetch ?? ((...args: Parameters<typeof fetch>) => globalThis.fetch(...args)),
    signal: abort.signal,
  };
  const done = Promise.all(plans.map((p) => runCandidate(ctx, p, t0))).then(async (outcomes) => {
    await watcher?.stop();
    return outcomes;
  });
  return {
    plans,
    metrics,
    sessionIds,
    ready,
    done,
    async stop() {
      abort.abort();
      return done;
    },
  };
}

/** The busiest schedule of a plan (most candidates): where a proctor sees the most. */
export function busiestSchedule(plans: readonly CandidatePlan[]): {
  tenantId: string;
  scheduleId: string;
  count: number;
} {
  const counts = new Map<string, { tenantId: string; scheduleId: string; count: number }>();
  for (const p of plans) {
    const key = `${p.tenantId}\u0000${p.scheduleId}`;
    const c = counts.get(key) ?? { tenantId: p.tenantId, scheduleId: p.scheduleId, count: 0 };
    c.count++;
    counts.set(key, c);
  }
  return [...counts.values()].sort((a, b) => b.count - a.count)[0] ?? { tenantId: '', scheduleId: '', count: 0 };
}
