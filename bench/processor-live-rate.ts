// The processor's live rate: records arrive at a paced rate (stamped receivedAt = now, as the edge does) instead of
// waiting in a backlog, so its chunks are as small as the traffic makes them and every chunk pays its Redis round
// trips. One processor process (`node processor/src/main.ts`) per arm, its Redis reached directly or through a proxy
// that adds a round trip (a Redis in another zone or region); each arm steps the rate up and prints, per step, what
// was applied, the backlog left, the age of the newest applied record, the chunk sizes and the processor's CPU per
// record. "Sustained" is: ≥ 95 % of the produced rate applied, a backlog under one second of records at the end of
// the step, and the newest applied record younger than 2 s.
//   BENCH_LIVE_DELAYS (0,1,5 ms added round trip), BENCH_LIVE_RATES (500,1000,2000,4000 records/s),
//   BENCH_LIVE_STEP (15 s per rate), BENCH_LIVE_SESSIONS (6000), BENCH_LIVE_TICK_MS (100: records are produced in one
//   batch a tick; the edge's are one REST call each, so 10 is nearer it), BENCH_LIVE_FETCH (arms of the consumer's
//   fetch, `minBytes/maxWaitMs` comma-separated, e.g. 1/5000,16384/100: each delay is run with each, and the broker's
//   CPU per record is printed beside the processor's when the stack's Kafka pid is readable)
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { sleep } from '@proctor/contracts';
import { newSessions } from '@proctor/processor/test/events';
import { busySessionRecords, interleave } from '@proctor/processor/test/workload';
import { freePort, freshDatabase, startProcessor } from '@proctor/testkit';
import { createTopics, deleteTopics, kafka, produceRecords, randomName } from '@proctor/testkit/stack';
import { stackPid } from './lib/cohort-stack.ts';
import { startDelayProxy } from './lib/delayProxy.ts';
import { cpuMs } from './lib/edge-workerd.ts';

const DELAYS = (process.env.BENCH_LIVE_DELAYS ?? '0,1,5').split(',').map(Number);
const RATES = (process.env.BENCH_LIVE_RATES ?? '500,1000,2000,4000').split(',').map(Number);
const STEP_S = Number(process.env.BENCH_LIVE_STEP ?? 15);
const SESSIONS = Number(process.env.BENCH_LIVE_SESSIONS ?? 6000);
const PARTITIONS = 12;
const TICK_MS = Number(process.env.BENCH_LIVE_TICK_MS ?? 100);
const FETCH = (process.env.BENCH_LIVE_FETCH ?? '').split(',').filter(Boolean);
/** The stack's broker, whose CPU a fetch setting moves too (its fetches and produces); undefined if not readable. */
const kafkaPid = (() => {
  try {
    return stackPid('kafka');
  } catch {
    return undefined;
  }
})();

// A private redis-server: the machine's shared one carries other engineers' suites, whose load would be read as
// round-trip time. (MariaDB stays the shared server: the MySQL step is reported separately.)
const redisPort = await freePort();
const redisServer = spawn(
  'redis-server',
  ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
  {
    stdio: 'ignore',
  },
);
process.on('exit', () => redisServer.kill());
await sleep(500);
const redisUrl = new URL(`redis://127.0.0.1:${redisPort}`);

const records = interleave(
  (await newSessions(SESSIONS, 'tenant-live')).map((s) =>
    busySessionRecords(s, Math.ceil((RATES.reduce((a, b) => a + b, 0) * STEP_S) / SESSIONS)),
  ),
);
const f = (n: number, d = 0) =>
  Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d }) : '–';

/** One scrape of the processor's /metrics: a metric's sum over its labels, or its largest value. */
async function scrape(port: number) {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const values = (name: string) =>
    text
      .split('\n')
      .filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `))
      .map((l) => Number(l.slice(l.lastIndexOf(' ') + 1)));
  const sum = (name: string) => values(name).reduce((a, b) => a + b, 0);
  /** Sum and count of each side-effect step (redis_load, mysql_write, redis_save, …) of the chunks so far. */
  const steps: Record<string, { sum: number; count: number }> = {};
  for (const l of text.split('\n')) {
    const m = /^processor_step_duration_ms_(sum|count)\{step="([a-z_]+)"\} ([0-9.e+-]+)$/.exec(l);
    if (!m) continue;
    const step = steps[m[2]!] ?? { sum: 0, count: 0 };
    step[m[1] as 'sum' | 'count'] = Number(m[3]);
    steps[m[2]!] = step;
  }
  return {
    steps,
    processed: sum('processor_messages_processed_total'),
    chunks: sum('processor_chunk_duration_ms_count'),
    chunkMs: sum('processor_chunk_duration_ms_sum'),
    newestAgeMs: Math.max(0, ...values('processor_consumer_lag_ms')),
  };
}

interface Step {
  rate: number;
  produced: number;
  applied: number;
  backlog: number;
  ageMs: number;
  perChunk: number;
  chunkMs: number;
  cpuUsPerRecord: number;
  /** The broker's CPU over the step per record applied (it serves this bench alone on a quiet stack). */
  kafkaUsPerRecord: number;
  cores: number;
  /** Mean ms of each side-effect step of a chunk over the step. */
  stepMs: Record<string, number>;
  sustained: boolean;
}

async function arm(delayMs: number, fetchArm: string): Promise<Step[]> {
  const [minBytes, maxWaitMs] = fetchArm ? fetchArm.split('/') : [];
  const topic = randomName('bench.live');
  // Topic creation right after the last arm's deletion sometimes answers UNKNOWN_TOPIC_OR_PARTITION: try again.
  for (let attempt = 1; ; attempt++) {
    try {
      await createTopics([topic, `${topic}.dlq`], PARTITIONS);
      break;
    } catch (err) {
      if (attempt >= 3) throw err;
      await sleep(2000);
    }
  }
  const db = await freshDatabase();
  const proxy =
    delayMs > 0 ? await startDelayProxy(redisUrl.hostname, Number(redisUrl.port || 6379), delayMs) : undefined;
  const prefix = randomName('plive');
  const processor = await startProcessor({
    KAFKA_EVENTS_TOPIC: topic,
    KAFKA_DLQ_TOPIC: `${topic}.dlq`,
    KAFKA_GROUP_ID: randomName('bench-live'),
    REDIS_URL: proxy ? `redis://127.0.0.1:${proxy.port}` : redisUrl.href,
    REDIS_KEY_PREFIX: prefix,
    MYSQL_URL: db.url,
    SWEEP_ENABLED: 'false',
    LIFECYCLE_ENABLED: 'false',
    ...(minBytes ? { KAFKA_FETCH_MIN_BYTES: minBytes } : {}),
    ...(maxWaitMs ? { KAFKA_FETCH_MAX_WAIT_MS: maxWaitMs } : {}),
  });
  const port = processor.metricsPort();
  const pid = processor.child.pid!;
  const producer = kafka().producer();
  await producer.connect();
  let next = 0;
  const steps: Step[] = [];
  try {
    for (const rate of RATES) {
      const s0 = await scrape(port);
      const c0 = cpuMs(pid);
      const k0 = kafkaPid ? cpuMs(kafkaPid) : Number.NaN;
      const t0 = performance.now();
      const produced0 = next;
      const perTick = Math.max(1, Math.round((rate * TICK_MS) / 1000));
      for (let tick = 0; performance.now() - t0 < STEP_S * 1000 && next < records.length; tick++) {
        const batch = records.slice(next, next + perTick).map((r) => ({ ...r, receivedAt: Date.now() }));
        next += batch.length;
        await produceRecords(producer, topic, batch);
        const wait = t0 + (tick + 1) * TICK_MS - performance.now();
        if (wait > 0) await sleep(wait);
      }
      const wallS = (performance.now() - t0) / 1000;
      const s1 = await scrape(port);
      const cpu = cpuMs(pid) - c0;
      const kafkaCpu = kafkaPid ? cpuMs(kafkaPid) - k0 : Number.NaN;
      const produced = next - produced0;
      const applied = s1.processed - s0.processed;
      const backlog = next - s1.processed;
      const step: Step = {
        rate,
        produced: produced / wallS,
        applied: applied / wallS,
        backlog,
        ageMs: s1.newestAgeMs,
        perChunk: applied / Math.max(1, s1.chunks - s0.chunks),
        chunkMs: (s1.chunkMs - s0.chunkMs) / Math.max(1, s1.chunks - s0.chunks),
        cpuUsPerRecord: (cpu * 1000) / Math.max(1, applied),
        kafkaUsPerRecord: (kafkaCpu * 1000) / Math.max(1, applied),
        cores: cpu / 1000 / wallS,
        stepMs: Object.fromEntries(
          Object.entries(s1.steps).map(([k, v]) => [
            k,
            (v.sum - (s0.steps[k]?.sum ?? 0)) / Math.max(1, v.count - (s0.steps[k]?.count ?? 0)),
          ]),
        ),
        sustained: applied >= 0.95 * produced && backlog < produced / wallS && s1.newestAgeMs < 2000,
      };
      steps.push(step);
      console.log(
        `  +${delayMs} ms${fetchArm ? ` fetch ${fetchArm}` : ''}: ${f(rate)}/s target, produced ${f(step.produced)}/s, applied ${f(step.applied)}/s, ` +
          `backlog ${f(backlog)}, newest applied ${f(step.ageMs)} ms old, ${f(step.perChunk, 1)} records/chunk in ` +
          `${f(step.chunkMs, 1)} ms, processor ${f(step.cpuUsPerRecord, 1)} µs CPU/record (${f(step.cores, 2)} cores), broker ` +
          `${f(step.kafkaUsPerRecord, 1)} µs/record` +
          `; mean ms per chunk step: ${Object.entries(step.stepMs)
            .map(([k, v]) => `${k} ${f(v, 1)}`)
            .join(', ')}${step.sustained ? '' : '  ← not sustained'}`,
      );
      if (next >= records.length) {
        console.log('  (records exhausted: raise BENCH_LIVE_SESSIONS)');
        break;
      }
    }
  } finally {
    await producer.disconnect();
    await processor.stop('SIGTERM');
    await proxy?.close();
    await db.drop();
    await deleteTopics([topic, `${topic}.dlq`]);
  }
  return steps;
}

const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
console.log(
  `processor live rate: ${f(records.length)} records of ${f(SESSIONS)} sessions, ${PARTITIONS} partitions, ` +
    `steps ${RATES.join(', ')}/s × ${STEP_S} s, added Redis round trip ${DELAYS.join(', ')} ms; load average ${load()}`,
);
const results = new Map<number, Step[]>();
const byFetch = new Map<string, Step[]>();
for (const d of DELAYS) {
  if (!FETCH.length) results.set(d, await arm(d, ''));
  for (const fa of FETCH) {
    const steps = await arm(d, fa);
    byFetch.set(`+${d} ms, fetch ${fa}`, steps);
    if (fa === FETCH[0]) results.set(d, steps);
  }
}
console.log(`\nsummary (load average ${load()}):`);
const best = (steps: Step[]) => steps.filter((s) => s.sustained).at(-1);
const base = best(results.get(DELAYS[0]!) ?? []);
for (const [d, steps] of results) {
  const b = best(steps);
  const cpuAtBest = b
    ? `, ${f(b.cpuUsPerRecord, 1)} µs CPU/record → ${f(1e6 / b.cpuUsPerRecord)} records per CPU-second`
    : '';
  console.log(
    `  +${d} ms round trip: highest sustained step ${b ? `${f(b.rate)}/s (applied ${f(b.applied)}/s, newest ${f(b.ageMs)} ms old)` : 'none'}${cpuAtBest}` +
      (b && base && d !== DELAYS[0] ? `; ratio to +${DELAYS[0]} ms ×${(b.applied / base.applied).toFixed(2)}` : ''),
  );
}
if (FETCH.length > 1) {
  // Per rate, each fetch arm's processor and broker CPU per record against the first arm's at the same delay.
  console.log('\nfetch arms, per rate: records/chunk, newest applied age, processor and broker µs CPU per record');
  for (const d of DELAYS) {
    const first = byFetch.get(`+${d} ms, fetch ${FETCH[0]}`) ?? [];
    for (const fa of new Set(FETCH)) {
      const steps = byFetch.get(`+${d} ms, fetch ${fa}`) ?? [];
      const cells = steps.map((s, i) => {
        const b = first[i];
        const ratio = (x: number, y: number | undefined) =>
          y && Number.isFinite(x / y) ? ` ×${(x / y).toFixed(2)}` : '';
        return (
          `${f(s.rate)}/s: ${f(s.perChunk, 1)}/chunk, ${f(s.ageMs)} ms, processor ${f(s.cpuUsPerRecord, 1)} µs` +
          `${fa === FETCH[0] ? '' : ratio(s.cpuUsPerRecord, b?.cpuUsPerRecord)}, broker ${f(s.kafkaUsPerRecord, 1)} µs` +
          `${fa === FETCH[0] ? '' : ratio(s.kafkaUsPerRecord, b?.kafkaUsPerRecord)}${s.sustained ? '' : ' (not sustained)'}`
        );
      });
      console.log(`  +${d} ms, fetch ${fa}: ${cells.join(' | ')}`);
    }
  }
}
process.exit(0);
