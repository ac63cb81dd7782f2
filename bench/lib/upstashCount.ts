// Upstash-billed Redis commands, counted as Upstash bills them: the EVALSHA plus every redis.call inside it. A Redis
// that only the edge uses (the cohort stack's private "Upstash") counts exactly that in total_commands_processed.
// Per route: a calibration before the load (one candidate, one request at a time, on the idle stack) gives each
// route's commands per request, multiplied by the route's requests in the hold; the sum is printed beside the exact
// total, so the split is checked against what Redis counted.
import { deriveSessionId, sleep } from '@proctor/contracts';
import { mintDevToken } from '@proctor/testkit';
import type { Redis } from 'ioredis';

/** Commands Redis processed so far (summed over shards), the INFO that asked included (INFO counts itself). */
export async function commandsProcessed(redis: Redis | readonly Redis[]): Promise<number> {
  const all = Array.isArray(redis) ? redis : [redis as Redis];
  const counts = await Promise.all(
    all.map(async (r) => Number(/total_commands_processed:(\d+)/.exec(await r.info('stats'))?.[1] ?? 0)),
  );
  return counts.reduce((a, b) => a + b, 0);
}

/** Each shard's commands so far, in shard order (for the per-shard rates and their balance). */
export async function commandsPerShard(shards: readonly Redis[]): Promise<number[]> {
  return Promise.all(shards.map((r) => commandsProcessed(r)));
}

/** Commands between two reads of commandsProcessed (the second read's INFOs, one a shard, taken off). */
async function delta(redis: readonly Redis[], work: () => Promise<unknown>): Promise<number> {
  const before = await commandsProcessed(redis);
  await work();
  return (await commandsProcessed(redis)) - before - redis.length;
}

/** Per-shard commands/s over an interval and each one's distance from the mean, e.g. `412/s (+3.1 %)`. */
export function shardBalance(before: readonly number[], after: readonly number[], ms: number): string {
  const rates = after.map((a, i) => ((a - (before[i] ?? 0) - 1) * 1000) / ms);
  const mean = rates.reduce((a, b) => a + b, 0) / Math.max(1, rates.length);
  const worst = Math.max(...rates.map((r) => Math.abs(r / mean - 1)));
  return `${rates.map((r) => `${r.toFixed(0)}/s (${r >= mean ? '+' : '−'}${Math.abs((r / mean - 1) * 100).toFixed(1)} %)`).join(', ')}; worst ${(worst * 100).toFixed(1)} % from the mean`;
}

export type RouteCosts = Record<string, number>;

/**
 * Each edge route's Upstash commands per request, at the default settings, measured one request at a time on the
 * edge's own Redis while nothing else runs: a start, heartbeats, batches of `eventsPerBatch` new events (the first
 * takes the isolate's tenant lease: averaged over `batches`), an end.
 */
export async function calibrateRoutes(
  edgeUrl: string,
  edgeRedis: readonly Redis[],
  o: { batches?: number; eventsPerBatch?: number } = {},
): Promise<RouteCosts> {
  const identity = {
    tenant_id: `calib-${Date.now().toString(36)}`,
    exam_schedule_id: 'calib',
    user_id: 'calib',
    attempt_no: 1,
  };
  const token = await mintDevToken(identity, { expSeconds: 3600 });
  const sessionId = await deriveSessionId(identity);
  const post = async (path: string, body: unknown) => {
    const res = await fetch(`${edgeUrl}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    await res.arrayBuffer();
    if (res.status >= 300) throw new Error(`calibration: ${path} answered ${res.status}`);
  };
  const batches = o.batches ?? 20;
  const per = o.eventsPerBatch ?? 2;
  const costs: RouteCosts = {};
  costs['/sessions/start'] = await delta(edgeRedis, () => post('/sessions/start', {}));
  let beats = 0;
  for (let i = 0; i < 5; i++) beats += await delta(edgeRedis, () => post('/sessions/heartbeat', { sessionId }));
  costs['/sessions/heartbeat'] = beats / 5;
  let batch = 0;
  for (let i = 0; i < batches; i++) {
    const events = Array.from({ length: per }, () => ({
      eventId: crypto.randomUUID(),
      type: 'LOOK_AWAY',
      timestamp: Date.now() - 1000,
      confidence: 0.9,
      details: { durationMillis: 1200, direction: 'LEFT' },
    }));
    batch += await delta(edgeRedis, () => post('/events/batch', { sessionId, events }));
  }
  costs['/events/batch'] = batch / batches;
  // A refused lease release or other waitUntil work of the last batch settles before the end is counted.
  await sleep(200);
  costs['/sessions/end'] = await delta(edgeRedis, () => post('/sessions/end', { sessionId }));
  return costs;
}

const f = (n: number, d = 0) => (Number.isFinite(n) ? n.toFixed(d) : '–');

/**
 * The table: per route its requests and Upstash commands per candidate-hour; per service its commands per
 * candidate-hour on the edge's Upstash and on the processor's own Redis (processor and dashboard: not billed per
 * command).
 */
export function upstashTable(o: {
  candidateHours: number;
  requestsByPath: Map<string, number>;
  costs: RouteCosts;
  /** Exact commands counted on the edge's Redis over the same hold. */
  edgeCommands: number;
  /** Exact commands counted on the processor's Redis (processor and dashboard) over the same hold. */
  ownRedisCommands: number;
}): string[] {
  const ch = o.candidateHours;
  const lines = ['  route                 requests/ch  Upstash cmds/request  Upstash cmds/ch'];
  let sum = 0;
  for (const [path, cost] of Object.entries(o.costs)) {
    const requests = (o.requestsByPath.get(path) ?? 0) / ch;
    sum += requests * cost;
    lines.push(
      `  ${path.padEnd(22)}${f(requests, 1).padStart(11)}  ${f(cost, 2).padStart(20)}  ${f(requests * cost, 1).padStart(15)}`,
    );
  }
  lines.push(`  ${'sum of routes'.padEnd(22)}${''.padStart(11)}  ${''.padStart(20)}  ${f(sum, 1).padStart(15)}`);
  lines.push(
    `  per service, per candidate-hour: edge on Upstash ${f(o.edgeCommands / ch)} (exact; routes' sum ${f(sum)}), processor + dashboard on Upstash 0, on their own Redis ${f(o.ownRedisCommands / ch)} (not billed per command)`,
  );
  return lines;
}
