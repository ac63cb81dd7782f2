// One case: the cohort's fixed workload through a fresh chain, a fault injected mid-exam and repaired, the recovery
// timed, then everything counted back and compared with the control run.

import { type CandidateOutcome, expectedWorkload, type FixedWorkloadResult, runFixedWorkload } from '@proctor/cohort';
import { sleep } from '@proctor/contracts';
import { mintDevToken } from '@proctor/testkit';
import { type Chain, type ChainOptions, startChain, type World } from './chain.ts';
import { compareToControl, type FaultRow, type Tally, type Verdict } from './compare.ts';
import { countBack } from './countBack.ts';
import { createEdgeProbe, type EdgeProbe } from './probe.ts';
import { behind, committedOffsets, highWatermarks } from './topic.ts';

/** The workload: the cohort's fixed mix (an equal share of every behaviour) at 32 candidates and a 60 s exam. */
const WORKLOAD = { candidates: 32, examMs: 60_000 } as const;
/** The fault strikes this long after the cohort starts (all joined, incidents about to begin)… */
const FAULT_AT_MS = 10_000;
/** …and outages last this long (the 30 s), ending 20 s before the exam does. */
export const OUTAGE_MS = 30_000;

interface FaultContext {
  world: World;
  chain: Chain;
  probe: EdgeProbe;
}

interface Injected {
  /** How long the fault holds before repair() (0: nothing to repair, e.g. a killed processor stays dead). */
  holdMs: number;
  /** Puts back what inject broke; resolves once it is back (a server answers again). Called even on failure. */
  repair(): Promise<void>;
  /** What the fault visibly did, for the table. */
  note?: string;
  /**
   * 'inject': the system heals itself (a failover) and recovery is timed from the fault, while it holds;
   * 'repair' (default): recovery is timed from the repair.
   */
  recoverFrom?: 'inject' | 'repair';
  /** When the fault struck (default: when inject resolved). */
  at?: number;
}

export interface FaultCase {
  name: string;
  /** Which stack the case needs: the single-node one (default) or the cluster (`stack:up -- --cluster`). */
  world?: 'single' | 'cluster';
  chain: Omit<ChainOptions, 'processorEnv'>;
  /** Before the chain starts (e.g. a proxy in front of a server); its teardown runs after the chain stopped. */
  arrange?(world: World): Promise<Arranged>;
  inject(ctx: FaultContext): Promise<Injected>;
  /** After the run: a problem if the fault left no trace (then the case proved nothing). */
  bit?(ctx: FaultContext): Promise<string | undefined>;
  /** After the run: what the fault did, for the table (default: what inject said). */
  describe?(ctx: FaultContext): string;
}

interface Arranged {
  processorEnv?: ChainOptions['processorEnv'];
  teardown(): Promise<void>;
}

interface CaseResult {
  row: FaultRow;
  tally: Tally;
  verdict: Verdict | undefined;
  run: FixedWorkloadResult;
  problems: string[];
}

async function waitFor(what: string, ok: () => Promise<boolean> | boolean, timeoutMs: number): Promise<number> {
  const t0 = Date.now();
  while (Date.now() - t0 < timeoutMs) {
    if (await Promise.resolve(ok()).catch(() => false)) return Date.now();
    await sleep(250);
  }
  throw new Error(`${what}: not within ${timeoutMs / 1000} s`);
}

/**
 * Recovered: the edge accepted events again after `since` and every candidate whose last event batch failed has had
 * one accepted since (their queues moved), and then the processors applied everything Kafka held at that point.
 */
async function timeRecovery(chain: Chain, probe: EdgeProbe, since: number): Promise<number> {
  await waitFor(
    'candidates delivering again',
    () => probe.firstBatchOkSince(since) !== undefined && probe.sessionsFailing() === 0,
    120_000,
  );
  const ends = await highWatermarks(chain.brokers, chain.topic);
  const at = await waitFor(
    'processors caught up',
    async () => behind(await committedOffsets(chain.brokers, chain.groupId, chain.topic), ends) === 0,
    120_000,
  );
  return at - since;
}

/** After the cohort ends: wait until the processors applied everything, lapses included, so the count is final. */
async function settle(chain: Chain, outcomes: readonly CandidateOutcome[]): Promise<void> {
  const silent = outcomes.filter((o) => !o.plan.ends).map((o) => o.sessionId);
  // A silent session's lapse is seen one liveness window (45 s) after its last heartbeat.
  await waitFor(
    'every silent session alerted as connection_lost',
    () =>
      chain.withPool(async (pool) => {
        if (!silent.length) return true;
        const [rows] = await pool.query(
          "SELECT COUNT(DISTINCT session_id) AS n FROM alerts WHERE rule = 'connection_lost' AND session_id IN (?)",
          [silent],
        );
        return Number((rows as { n: number }[])[0]!.n) === silent.length;
      }),
    150_000,
  );
  await waitFor(
    'processors caught up',
    async () =>
      behind(
        await committedOffsets(chain.brokers, chain.groupId, chain.topic),
        await highWatermarks(chain.brokers, chain.topic),
      ) === 0,
    60_000,
  );
}

export async function runCase(world: World, fault: FaultCase | undefined, control: Tally | undefined) {
  const name = fault?.name ?? 'control (no fault)';
  const problems: string[] = [];
  const arranged = await fault?.arrange?.(world);
  try {
    const chain = await startChain(world, {
      ...(fault?.chain ?? { partitions: 6, processors: 1 }),
      processorEnv: arranged?.processorEnv,
    });
    let running: Promise<FixedWorkloadResult> | undefined;
    try {
      const probe = createEdgeProbe();
      const ctx: FaultContext = { world, chain, probe };
      const started = Date.now();
      running = runFixedWorkload({
        ...WORKLOAD,
        edgeUrl: chain.edge.url,
        mintToken: (claims, expSeconds) => mintDevToken(claims, { expSeconds }),
        tokenToleranceSeconds: 0,
        runId: chain.prefix,
        fetch: probe.fetch,
      });
      let recoveryMs: number | undefined;
      let note = '';
      if (fault) {
        await sleep(started + FAULT_AT_MS - Date.now());
        const injected = await fault.inject(ctx);
        const injectedAt = injected.at ?? Date.now();
        note = injected.note ?? '';
        const timed = (since: number) =>
          timeRecovery(chain, probe, since).catch((err: unknown) => {
            problems.push(String(err));
            return undefined;
          });
        const selfHealed = injected.recoverFrom === 'inject' ? timed(injectedAt) : undefined;
        let repaired = false;
        try {
          await sleep(injected.holdMs);
          await injected.repair();
          repaired = true;
        } finally {
          if (!repaired) await injected.repair().catch(() => undefined);
        }
        recoveryMs = await (selfHealed ?? timed(Date.now()));
      }
      const run = await running;
      await settle(chain, run.outcomes).catch((err: unknown) => problems.push(String(err)));
      const tally = await chain.withPool((pool) =>
        countBack({ ...chain, redis: world.redisClient, pool, outcomes: run.outcomes }),
      );
      const expected = [...(await expectedWorkload({ ...WORKLOAD, runId: chain.prefix })).values()].reduce(
        (a, b) => a + b,
        0,
      );
      const verdict = control ? compareToControl(control, tally, expected) : undefined;
      problems.push(...(verdict?.problems ?? []));
      const bit = await fault?.bit?.(ctx);
      note = fault?.describe?.(ctx) ?? note;
      if (bit) problems.push(bit);
      if (probe.fiveHundredsNot503) problems.push(`${probe.fiveHundredsNot503} edge 5xx other than 503`);
      if (probe.fiveHundredsWithoutRetryAfter)
        problems.push(`${probe.fiveHundredsWithoutRetryAfter} 5xx without Retry-After`);
      if (recoveryMs !== undefined) console.log(`${name}: recovered in ${(recoveryMs / 1000).toFixed(1)} s`);
      const row: FaultRow = {
        case: name,
        accepted: tally.accepted,
        applied: tally.applied,
        duplicates: verdict?.duplicateAlerts ?? 0,
        missing: verdict?.missingAlerts ?? 0,
        edge5xx: run.metrics.status5xx,
        recoveryMs,
        kafkaRepeats: tally.kafkaRepeats,
        note: problems[0] ?? note,
        ok: problems.length === 0,
      };
      if (!row.ok) console.log(`${name}: ${problems.join('; ')}`);
      return { row, tally, verdict, run, problems } satisfies CaseResult;
    } finally {
      // A case that failed half-way still lets its candidates finish against this edge: none may reach the next.
      await running?.catch(() => undefined);
      await chain.stop();
    }
  } finally {
    await arranged?.teardown();
  }
}
