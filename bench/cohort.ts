// The cohort load test: the simulated candidates of @proctor/cohort (real API clients on the client's transport)
// against the edge in raw workerd (never wrangler dev), the Kafka REST bridge, Kafka, the processor, a private Redis
// with its Upstash shim, MariaDB and the dashboard holding an SSE stream. It ramps the number of candidates until a
// criterion breaks (p99 event → alert > 2 s, any 5xx, consumer lag growing past 2 s; lost events are counted at the
// end) and prints: candidates sustained and per core, CPU by process per step, per candidate-hour figures (edge
// requests, edge CPU-ms, Redis commands, Kafka bytes, MySQL rows), and every accepted event counted back out of
// Kafka, Redis and MySQL. The box's 2 cores are shared with other engineers' work: absolute numbers are noisy.
//   BENCH_COHORT_SECONDS (240) bounds the ramp; BENCH_COHORT_HOLD (25) s per step; BENCH_COHORT_JOIN (10) s over which a
//   step's new candidates join; BENCH_COHORT_STEPS; BENCH_COHORT_SEED; BENCH_EDGE_PROCESSES (one per core, at least one per
//   4,000 candidates of the largest step) workerd processes on the edge's socket;
//   BENCH_COHORT_KEEP_GOING=1 ramps past latency and lag breaks (not 5xx), for CPU per candidate at higher counts;
//   =cpu also past 5xx in a step whose box was CPU-bound (503s of upstream timeouts), to reach the top step and see
//   every other limit there (descriptors, an edge process exiting);
//   BENCH_HEARTBEAT_COALESCE_MS sets the edge's HEARTBEAT_COALESCE_MS (default 50; 0 produces each heartbeat alone);
//   BENCH_EVENTS_COALESCE_MS sets the edge's EVENTS_COALESCE_MS (default 50; 0 produces each batch alone);
//   BENCH_COHORT_HEARTBEAT=60/2 runs the ramp with that heartbeat interval / connection-lost count, signed into the
//   exam token's proctoring claim as a platform would (bench/cohort-levers.ts compares it with the default);
//   BENCH_EDGE_SHARDS (3) Upstash databases for the edge, each its own Redis server and shim: each step prints each
//   database's commands/s and its distance from the mean;
//   BENCH_COHORT_TIMELINE=1 prints the whole second-by-second timeline at the end (bench/lib/timeline.ts; without it,
//   only the first broken step's): which stage held the late alerts.

import { readFileSync } from 'node:fs';
import { type CandidateOutcome, createMetrics, percentile, type RunningCohort, startCohort } from '@proctor/cohort';
import { sleep } from '@proctor/contracts';
import { mintDevToken } from '@proctor/testkit';
import { stackKafka } from '@proctor/testkit/stack';
import { startCohortDashboard, startCohortStack, watchStream } from './lib/cohort-stack.ts';
import { CPU_TICK_MS } from './lib/edge-workerd.ts';
import { fdPeakMeter } from './lib/fdPeak.ts';
import { startTimeline } from './lib/timeline.ts';
import {
  calibrateRoutes,
  commandsPerShard,
  commandsProcessed,
  shardBalance,
  upstashTable,
} from './lib/upstashCount.ts';

const BUDGET_MS = Number(process.env.BENCH_COHORT_SECONDS ?? 240) * 1000;
const HOLD_MS = Number(process.env.BENCH_COHORT_HOLD ?? 25) * 1000;
const STEPS = (process.env.BENCH_COHORT_STEPS ?? '250,500,1000,1500,2000,3000,4000,6000,8000,10000,12000')
  .split(',')
  .map(Number);
const SEED = Number(process.env.BENCH_COHORT_SEED ?? 1);
const JOIN_SPREAD_MS = Number(process.env.BENCH_COHORT_JOIN ?? 10) * 1000;
const P99_LIMIT_MS = 2000;
const CORES = 2;
const heartbeat = process.env.BENCH_COHORT_HEARTBEAT?.split('/').map(Number);
const examConfig = heartbeat
  ? { heartbeatIntervalSeconds: heartbeat[0]!, connectionLostAfterIntervals: heartbeat[1] ?? 2 }
  : undefined;

/** Idle + iowait time of the whole box so far, ms (the cpu line of /proc/stat, in USER_HZ ticks). */
const boxIdle = () => {
  const t = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.split(/\s+/).slice(1).map(Number);
  return ((t[3] ?? 0) + (t[4] ?? 0)) * CPU_TICK_MS;
};
const f = (n: number, d = 0) => (Number.isFinite(n) ? n.toFixed(d) : '–');

// The edge over SHARDS Upstash databases (each its own Redis server and shim), as production spreads it.
const SHARDS = Number(process.env.BENCH_EDGE_SHARDS ?? 3);
const stack = await startCohortStack(12, { candidates: Math.max(...STEPS), edgeShards: SHARDS });
const dashboard = await startCohortDashboard(stack, 'tenant-1');
let stream: ReturnType<typeof watchStream> | undefined; // opened once the schedule has sessions
const metrics = createMetrics();
const waves: RunningCohort[] = [];
const meterTotal = stack.cpuMeter({ dashboard: dashboard.child.pid! });
const meterStep = stack.cpuMeter({ dashboard: dashboard.child.pid! });
const redisInfo = async (section: string, key: string) =>
  Number(new RegExp(`${key}:(\\d+)`).exec(await stack.redis.info(section))?.[1] ?? 0);
// Each route's Upstash commands per request, on the idle stack before the ramp (bench/lib/upstashCount.ts).
const routeCosts = await calibrateRoutes(stack.edge.url, stack.edgeRedis.all);
const commands0 = await redisInfo('stats', 'total_commands_processed');
const upstash0 = await commandsProcessed(stack.edgeRedis.all);
const memory0 = await redisInfo('memory', 'used_memory');
// Descriptors are a break of their own (workerd exits on an accept() that fails with EMFILE): peaks per step.
const fdPeaks = fdPeakMeter({
  workerd: stack.edge.children.map((c) => c.pid!),
  shim: stack.shimPids,
  bridge: [stack.pids.bridge!],
  generator: [process.pid],
});
// Sampled every second all along (one metrics read and /proc): printed whole with BENCH_COHORT_TIMELINE=1, else the
// stretch of the first step that broke, so a run that breaks says which stage held its late alerts.
const timeline = startTimeline({
  metrics,
  processorMetricsUrl: `http://127.0.0.1:${stack.processor.metricsPort()}/metrics`,
  cpu: stack.cpuMeter({ dashboard: dashboard.child.pid! }),
});
let candidateSeconds = 0;
const liveTicker = setInterval(() => (candidateSeconds += metrics.live), 1000);
const maxLag = async () => {
  const text = await (await fetch(`http://127.0.0.1:${stack.processor.metricsPort()}/metrics`)).text();
  return Math.max(
    0,
    ...[...text.matchAll(/^processor_consumer_lag_ms\{[^}]*\} ([0-9.e+-]+)$/gm)].map((m) => Number(m[1])),
  );
};

console.log(
  `cohort bench: edge in workerd ${stack.edge.url} (${stack.edge.children.length} processes, ${stack.edge.nofile} descriptors each), topic ${stack.topic} (12 partitions), private Redis ${stack.redisUrl}; steps ${STEPS.join(', ')}; hold ${HOLD_MS / 1000} s; budget ${BUDGET_MS / 1000} s; heartbeat ${examConfig ? `${examConfig.heartbeatIntervalSeconds} s, lost after ${examConfig.connectionLostAfterIntervals}` : 'default'}`,
);
console.log('note: the 2 cores are shared with other engineers and with this generator; read ratios, not absolutes.\n');
console.log(
  'step  candidates  events/s  req/s   p50 ms  p99 ms  alerts  5xx  lag ms  system cores  CPU by process (cores)',
);

interface Step {
  candidates: number;
  ok: boolean;
  why: string;
  p99: number | undefined;
  systemCores: number;
  cores: Record<string, number>;
  /** The hold's steady state, for per candidate-hour figures that leave out the joins. */
  hold: {
    candidateHours: number;
    requests: number;
    workerdMs: number;
    systemMs: number;
    redisCommands: number;
    /** The edge's, on its Upstash (the shim's own Redis). */
    upstashCommands: number;
    from: number;
    to: number;
  };
  load: string;
}
const steps: Step[] = [];
const t0 = Date.now();
let current = 0;
for (const [k, target] of STEPS.entries()) {
  if (Date.now() - t0 + JOIN_SPREAD_MS + HOLD_MS > BUDGET_MS) break;
  waves.push(
    startCohort({
      candidates: target - current,
      seed: SEED + k,
      runId: `${stack.prefix}w${k}`,
      examMs: 6 * 3600_000, // nobody leaves during the ramp
      planHorizonMs: BUDGET_MS + 60_000, // …which ends long before: glances past it are never sent
      tenants: 2,
      schedulesPerTenant: 2,
      joinSpreadMs: JOIN_SPREAD_MS,
      incidentWindowMs: [JOIN_SPREAD_MS, JOIN_SPREAD_MS + HOLD_MS * 0.7],
      mintToken: (claims, expSeconds) =>
        mintDevToken(examConfig ? { ...claims, proctoring: { examConfig } } : claims, { expSeconds }),
      mysqlUrl: stack.mysqlUrl,
      metrics,
      edgeUrl: stack.edge.url,
    }),
  );
  current = target;
  stream ??= watchStream(dashboard, 'exam-1-1');
  await sleep(JOIN_SPREAD_MS);
  meterStep();
  const idle0 = boxIdle();
  const cmds0 = await redisInfo('stats', 'total_commands_processed');
  const upstashStep0 = await commandsProcessed(stack.edgeRedis.all);
  const perShard0 = await commandsPerShard(stack.edgeRedis.all);
  const live0 = metrics.live;
  const sessions0 = metrics.sessionsLive;
  const latencyIndex = metrics.alertLatencies.length;
  const s5xx = metrics.status5xx;
  const alerts0 = metrics.alerts;
  const delivered0 = metrics.eventsDelivered;
  const requests0 = metrics.requests;
  const lagStart = await maxLag();
  const h0 = Date.now();
  await sleep(HOLD_MS);
  const wall = Date.now() - h0;
  const cpu = meterStep();
  const idle = (boxIdle() - idle0) / (wall * CORES); // share of the box's cores idle in the hold
  const fds = fdPeaks.take(); // the join's peak included: it is where connections pile up
  const cmds1 = await redisInfo('stats', 'total_commands_processed');
  const upstashStep = (await commandsProcessed(stack.edgeRedis.all)) - upstashStep0;
  const perShard = shardBalance(perShard0, await commandsPerShard(stack.edgeRedis.all), wall);
  const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  const lagEnd = await maxLag();
  const latencies = metrics.alertLatencies.slice(latencyIndex);
  const p50 = percentile(latencies, 50);
  const p99 = percentile(latencies, 99);
  const fivexx = metrics.status5xx - s5xx;
  const cores = Object.fromEntries(Object.entries(cpu).map(([name, ms]) => [name, ms / wall]));
  const systemCores = Object.entries(cores)
    .filter(([name]) => !name.startsWith('generator'))
    .reduce((a, [, c]) => a + c, 0);
  // Limits that are not CPU whatever the box's load: descriptors near their limit, an edge process gone.
  const resourceBreaks = [
    ...[...fds]
      .filter(([, v]) => v.fds > v.limit * 0.9)
      .map(([n, v]) => `${n} at ${v.fds} of ${v.limit} file descriptors`),
    stack.edge.children.some((c) => c.exitCode !== null) ? 'an edge workerd process exited' : '',
  ].filter(Boolean);
  const why = [
    ...resourceBreaks,
    p99 !== undefined && p99 > P99_LIMIT_MS ? `p99 ${f(p99)} ms > ${P99_LIMIT_MS}` : '',
    fivexx ? `${fivexx} 5xx` : '',
    lagEnd > 2000 && lagEnd > lagStart ? `consumer lag growing (${f(lagStart)} → ${f(lagEnd)} ms)` : '',
    metrics.live < target * 0.95 ? `only ${metrics.live} live` : '',
    metrics.sessionsLive < target * 0.95 ? `only ${metrics.sessionsLive} sessions started` : '',
    // Each new wave has its incidents in its first minute: a hold without one alert measured is a stalled pipeline.
    p99 === undefined ? 'no alert measured' : '',
  ]
    .filter(Boolean)
    .join('; ');
  const hold = {
    candidateHours: (((live0 + metrics.live) / 2) * wall) / 3_600_000,
    requests: metrics.requests - requests0,
    workerdMs: cpu.workerd!,
    systemMs: systemCores * wall,
    redisCommands: cmds1 - cmds0 + upstashStep,
    upstashCommands: upstashStep,
    from: h0,
    to: h0 + wall,
  };
  // A break with the box's cores (nearly) all busy is CPU's; with cores idle, something else stopped the step.
  const cpuBound = idle < 0.1 && resourceBreaks.length === 0;
  const limit = why ? `${cpuBound ? 'CPU' : 'not CPU'} (box ${f(idle * 100)} % idle)` : '';
  steps.push({ candidates: target, ok: !why, why: why && `${why} [${limit}]`, p99, systemCores, cores, hold, load });
  console.log(
    `${String(k + 1).padStart(4)}  ${String(target).padStart(10)}  ${f(((metrics.eventsDelivered - delivered0) * 1000) / wall, 1).padStart(8)}  ${f(((metrics.requests - requests0) * 1000) / wall).padStart(5)}  ${f(p50 ?? Number.NaN).padStart(6)}  ${f(p99 ?? Number.NaN).padStart(6)}  ${String(metrics.alerts - alerts0).padStart(6)}  ${String(fivexx).padStart(3)}  ${f(lagEnd).padStart(6)}  ${f(systemCores, 2).padStart(12)}  ${Object.entries(
      cores,
    )
      .map(([n, c]) => `${n} ${f(c, 2)}`)
      .join(
        ', ',
      )}  (load ${load}, box ${f(idle * 100)} % idle)  ${f((sessions0 + metrics.sessionsLive) / 2 / systemCores)} started candidates/core  fds peak ${[
      ...fds,
    ]
      .map(([n, v]) => `${n} ${v.fds}/${v.limit}`)
      .join(', ')}${why ? `  ← breaks: ${why} [${limit}]` : ''}`,
  );
  console.log(`      Upstash-billed commands per database (${SHARDS}) in the hold: ${perShard}`);
  // BENCH_COHORT_KEEP_GOING=1: on a box others load, latency breaks first; keep ramping to measure CPU per candidate.
  // =cpu: a step that broke only because the cores were saturated does not stop the ramp either.
  const keepGoing = process.env.BENCH_COHORT_KEEP_GOING;
  if (why && !((keepGoing === '1' && !fivexx && !resourceBreaks.length) || (keepGoing === 'cpu' && cpuBound))) break;
}

// Stop the candidates (queued events that never got a 2xx are not "accepted"), then let the processor drain.
const outcomes: CandidateOutcome[] = (await Promise.all(waves.map((w) => w.stop()))).flat();
timeline.stop();
const firstBreak = steps.find((s) => !s.ok);
if (process.env.BENCH_COHORT_TIMELINE === '1')
  console.log(`\ntimeline (BENCH_COHORT_TIMELINE=1; s from the first sample):\n${timeline.render()}`);
else if (firstBreak)
  console.log(
    `\ntimeline of the step that broke (${firstBreak.candidates} candidates: its join and hold; BENCH_COHORT_TIMELINE=1 prints the whole run):\n${timeline.render(firstBreak.hold.from - JOIN_SPREAD_MS, firstBreak.hold.to)}`,
  );
clearInterval(liveTicker);
fdPeaks.stop();
const totalCpu = meterTotal();
const wallTotal = Date.now() - t0;
const upstash = (await commandsProcessed(stack.edgeRedis.all)) - upstash0;
const ownRedis = (await redisInfo('stats', 'total_commands_processed')) - commands0;
const commands = upstash + ownRedis;
const memoryPerSession = ((await redisInfo('memory', 'used_memory')) - memory0) / Math.max(1, outcomes.length);

// Count back. What the edge answered 2xx for, copied before Kafka's ends are read: a request still in flight when
// the candidates stopped can be answered later, and its events, durable after the ends were read, would look lost.
const delivered = new Set<string>();
for (const o of outcomes) for (const id of o.delivered) delivered.add(id);
// Kafka: every record of the topic, per eventId.
const kafka = stackKafka('cohort-bench');
const admin = kafka.admin();
await admin.connect();
const ends = await admin.fetchTopicOffsets(stack.topic);
await admin.disconnect();
const expectedRecords = ends.reduce((a, p) => a + Number(p.high), 0);
// Read each partition up to its end as it was now. Not a total count: the liveness sweeper keeps producing
// connection_lost records for the stopped candidates, and a count reached on one partition's new records would
// stop before another partition's last events (seen as "lost").
const unread = new Map(ends.filter((p) => Number(p.high) > 0).map((p) => [p.partition, Number(p.high)]));
const inKafka = new Map<string, number>();
let kafkaBytes = 0;
let holdKafkaBytes = 0;
// Steady state: the hold of the largest step that passed (or the first step when none did).
const steady = process.env.BENCH_COHORT_KEEP_GOING ? steps.at(-1) : (steps.filter((x) => x.ok).at(-1) ?? steps[0]);
let records = 0;
const consumer = kafka.consumer({ groupId: `${stack.topic}-countback` });
await consumer.connect();
await consumer.subscribe({ topic: stack.topic, fromBeginning: true });
await new Promise<void>((resolve) => {
  const deadline = setTimeout(resolve, 120_000);
  void consumer.run({
    eachMessage: async ({ partition, message }) => {
      const end = unread.get(partition);
      if (end === undefined || Number(message.offset) >= end) return; // produced after the count-back began
      if (Number(message.offset) === end - 1) unread.delete(partition);
      records++;
      kafkaBytes += (message.key?.length ?? 0) + (message.value?.length ?? 0);
      const v = JSON.parse(message.value!.toString()) as {
        kind: string;
        receivedAt: number;
        event?: { eventId: string };
      };
      const w = steady?.hold;
      if (w && v.receivedAt >= w.from && v.receivedAt < w.to)
        holdKafkaBytes += (message.key?.length ?? 0) + (message.value?.length ?? 0);
      if (v.kind === 'event' && v.event) inKafka.set(v.event.eventId, (inKafka.get(v.event.eventId) ?? 0) + 1);
      if (unread.size === 0) {
        clearTimeout(deadline);
        resolve();
      }
    },
  });
});
await consumer.disconnect();

const lostInKafka = [...delivered].filter((id) => !inKafka.has(id)).length;
const duplicatedInKafka = [...inKafka.values()].filter((n) => n > 1).length;

// Redis: the edge's dedupe marks (`m:<eventId>` fields of the session's hash), 'd' = durable, per session.
let marksDone = 0;
const started = outcomes.filter((o) => o.starts > 0);
for (let i = 0; i < started.length; i += 500) {
  // Each session's hash on the database its id picks, as the edge picked it.
  const pipelines = new Map(stack.edgeRedis.all.map((r) => [r, r.pipeline()]));
  for (const o of started.slice(i, i + 500))
    pipelines.get(stack.edgeRedis.session(o.sessionId))!.hgetall(`${stack.prefix}:{${o.sessionId}}:session`);
  for (const p of pipelines.values()) {
    for (const [, h] of (await p.exec()) ?? []) {
      for (const [field, v] of Object.entries(h as Record<string, string>))
        if (field.startsWith('m:') && v === 'd') marksDone++;
    }
  }
}

// The processor applied every record (waits for it to drain), and MySQL has a row per started session.
const processed = async () => stack.processor.metric('processor_messages_processed_total');
for (let i = 0; i < 120 && (await processed()) < records; i++) await sleep(1000);
const processedOk = await stack.processor.metric('processor_messages_processed_total', { outcome: 'ok' });
const deadLettered = await stack.processor.metric('processor_messages_dead_lettered_total');
const count = async (table: string) =>
  Number(((await stack.db.pool.query(`SELECT COUNT(*) AS n FROM ${table}`))[0] as { n: number }[])[0]!.n);
const rows = {
  sessions: await count('sessions'),
  alerts: await count('alerts'),
  snapshots: await count('risk_snapshots'),
};

// SSE: alerts of the busiest schedule as the dashboard pushed them, from the batch that carried the evidence.
await sleep(2000);
await stream?.stop();
const sse: number[] = [];
if (stream?.arrivals.size) {
  const [alertRows] = await stack.db.pool.query('SELECT alert_id, evidence FROM alerts WHERE alert_id IN (?)', [
    [...stream!.arrivals.keys()],
  ]);
  for (const r of alertRows as { alert_id: string; evidence: string | { eventId: string }[] }[]) {
    const ev = typeof r.evidence === 'string' ? JSON.parse(r.evidence) : r.evidence;
    const sent = (ev as { eventId: string }[]).map((e) => metrics.sentAt.get(e.eventId)).filter((t) => t !== undefined);
    if (sent.length) sse.push(stream!.arrivals.get(r.alert_id)! - Math.max(...(sent as number[])));
  }
}

const ch = candidateSeconds / 3600;
const passed = steps.filter((s) => s.ok);
const best = passed.at(-1);
console.log(`\nramp: ${(wallTotal / 1000).toFixed(0)} s, ${outcomes.length} candidates, ${f(ch, 2)} candidate-hours`);
console.log(
  best
    ? `sustained: ${best.candidates} candidates with p99 event→alert ${f(best.p99 ?? Number.NaN)} ms, using ${f(best.systemCores, 2)} cores of system processes → ${f(best.candidates / best.systemCores)} candidates per core (${f(best.candidates / CORES)} per core of this 2-core box, generator included)`
    : 'sustained: none of the steps passed',
);
const broke = steps.find((s) => !s.ok);
console.log(
  broke
    ? `first break: ${broke.candidates} candidates: ${broke.why}`
    : 'no criterion broke within the budget (raise BENCH_COHORT_SECONDS or the steps)',
);
console.log('\nCPU by process over the whole ramp (ms, share of system CPU):');
const systemMs = Object.entries(totalCpu)
  .filter(([n]) => !n.startsWith('generator'))
  .reduce((a, [, v]) => a + v, 0);
for (const [name, ms] of Object.entries(totalCpu).sort((a, b) => b[1] - a[1]))
  console.log(
    `  ${name.padEnd(20)} ${f(ms).padStart(8)} ms  ${name.startsWith('generator') ? '(not the system)' : `${f((ms / systemMs) * 100, 1)} %`}`,
  );
if (steady) {
  const h = steady.hold;
  const [r] = await stack.db.pool.query(
    'SELECT (SELECT COUNT(*) FROM alerts WHERE created_at >= FROM_UNIXTIME(?) AND created_at < FROM_UNIXTIME(?)) + (SELECT COUNT(*) FROM risk_snapshots WHERE created_at >= FROM_UNIXTIME(?) AND created_at < FROM_UNIXTIME(?)) AS n',
    [h.from / 1000, h.to / 1000, h.from / 1000, h.to / 1000],
  );
  const holdRows = Number((r as { n: number }[])[0]!.n);
  console.log(
    `\nper candidate-hour, steady state (hold of the ${steady.candidates}-candidate step, ${f(h.candidateHours * 3600)} candidate-seconds, load average ${steady.load}):`,
  );
  console.log(
    `  edge requests     ${f(h.requests / h.candidateHours)}  (${f(h.requests / ((h.to - h.from) / 1000), 1)} req/s)`,
  );
  console.log(
    `  edge CPU-ms       ${f(h.workerdMs / h.candidateHours)}  (${f((h.workerdMs * 1000) / Math.max(1, h.requests))} µs workerd process CPU per request)`,
  );
  console.log(
    `  Redis commands    ${f(h.redisCommands / h.candidateHours)}  (${f(h.redisCommands / Math.max(1, h.requests), 1)} per edge request, processor included)`,
  );
  console.log(
    `  Upstash commands  ${f(h.upstashCommands / h.candidateHours)}  (the edge's alone, as Upstash bills them; the rest is on the processor's own Redis)`,
  );
  console.log(`  Kafka bytes       ${f(holdKafkaBytes / h.candidateHours)}`);
  console.log(
    `  MySQL rows        ${f(holdRows / h.candidateHours, 1)}  (alerts + risk snapshots created in the hold)`,
  );
  console.log(`  all system CPU-ms ${f(h.systemMs / h.candidateHours)}`);
}
console.log('\nper candidate-hour, whole ramp (joins included: each candidate starts once in a short run):');
console.log(
  `  edge requests     ${f(metrics.requests / ch)}  (${[...metrics.byPath].map(([p, n]) => `${p} ${f(n / ch)}`).join(', ')})`,
);
console.log(`  edge CPU-ms       ${f(totalCpu.workerd! / ch)}  (workerd process CPU: isolate + its HTTP stack)`);
console.log(`  Redis commands    ${f(commands / ch)}  (edge via the shim + processor + dashboard, two private Redis)`);
console.log('\nUpstash-billed commands per candidate-hour, whole ramp (the EVALSHA and every call inside it):');
for (const line of upstashTable({
  candidateHours: ch,
  requestsByPath: metrics.byPath,
  costs: routeCosts,
  edgeCommands: upstash,
  ownRedisCommands: ownRedis,
}))
  console.log(line);
console.log(`  Kafka bytes       ${f(kafkaBytes / ch)}  (record keys + values)`);
console.log(
  `  MySQL rows        ${f((rows.sessions + rows.alerts + rows.snapshots) / ch, 1)}  (sessions ${rows.sessions}, alerts ${rows.alerts}, risk snapshots ${rows.snapshots}; rows stored, upserts not counted twice)`,
);
console.log(`  all system CPU-ms ${f(systemMs / ch)}`);
console.log(`  Redis memory per session: ${f(memoryPerSession)} B`);
console.log('\ncount back (every accepted event):');
console.log(
  `  delivered (2xx at the edge): ${delivered.size} events; in Kafka: ${inKafka.size} distinct, ${records} of ${expectedRecords} records`,
);
console.log(
  `  lost: ${lostInKafka}; produced twice: ${duplicatedInKafka}${duplicatedInKafka ? ' (a retry found its mark still pending and produced again, as the edge must: at-least-once; the processor applies an eventId once)' : ''}; Redis marks durable: ${marksDone} (${marksDone === delivered.size ? 'equal' : marksDone > delivered.size ? `${marksDone - delivered.size} more: durable, but the candidate was stopped before the answer came` : 'FEWER'})`,
);
console.log(
  `  processor: ${processedOk} records applied ok of ${records}, ${deadLettered} dead-lettered; MySQL sessions ${rows.sessions} of ${started.length} started`,
);
if (metrics.slowestAlert)
  console.log(
    `  slowest alert: ${metrics.slowestAlert.rule} ${f(metrics.slowestAlert.ms)} ms (session ${metrics.slowestAlert.sessionId})`,
  );
for (const [rule, l] of metrics.latencyByRule)
  console.log(
    `  event→alert ${rule}: ${l.length} alerts, p50 ${f(percentile(l, 50) ?? Number.NaN)} ms, p99 ${f(percentile(l, 99) ?? Number.NaN)} ms, max ${f(Math.max(...l))} ms`,
  );
console.log(
  `  5xx ${metrics.status5xx}${metrics.serverErrorsByRoute.size ? ` (${[...metrics.serverErrorsByRoute].map(([r, n]) => `${r} ×${n}`).join(', ')})` : ''}; failures ${[...metrics.failures].map(([c, n]) => `${c} ${n}`).join(', ') || 'none'}`,
);
console.log(
  `\ndashboard SSE (exam-1-1, Node reader): ${sse.length} alerts, event→stream p50 ${f(percentile(sse, 50) ?? Number.NaN)} ms, p99 ${f(percentile(sse, 99) ?? Number.NaN)} ms`,
);

await dashboard.stop();
await stack.stop();
process.exit(lostInKafka || marksDone < delivered.size ? 1 : 0);
