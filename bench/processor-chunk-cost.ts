// The processor's CPU per record as a function of its chunk size, which is what its live rate turns on: a live
// partition's chunks hold what arrived during the last one, so they are small, and each chunk pays fixed work (a
// Redis pipeline each way, one MySQL transaction, a change notice, a commit). One backlog topic, one processor child
// per arm with PROCESSOR_CHUNK_SIZE set, so every chunk is full; CPU time of the child from its first applied record
// to its last, per record, then a least-squares fit of CPU per record = a + b / chunk size. CPU time, unlike wall time,
// barely moves when the shared box is loaded, so this is the bench to read for processor counts.
//   BENCH_CHUNK_SIZES (25,100,300,3000), BENCH_CHUNK_SESSIONS (1000), BENCH_CHUNK_EVENTS (30 per session),
//   BENCH_CHUNK_DELAYS (0: Redis round trips added through bench/lib/delayProxy.ts, e.g. 0,5; each size per delay)
import { readFileSync } from 'node:fs';
import { sleep } from '@proctor/contracts';
import { produceBusyTopic } from '@proctor/processor/test/workload';
import { freshDatabase, startProcessor } from '@proctor/testkit';
import { deleteTopics, randomName } from '@proctor/testkit/stack';
import { startDelayProxy } from './lib/delayProxy.ts';
import { cpuMs } from './lib/edge-workerd.ts';

const SIZES = (process.env.BENCH_CHUNK_SIZES ?? '25,100,300,3000').split(',').map(Number);
const SESSIONS = Number(process.env.BENCH_CHUNK_SESSIONS ?? 1000);
const EVENTS = Number(process.env.BENCH_CHUNK_EVENTS ?? 30);
const DELAYS = (process.env.BENCH_CHUNK_DELAYS ?? '0').split(',').map(Number);
const DEADLINE_MS = 240_000;
const redisUrl = new URL(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');

const { topic, total } = await produceBusyTopic(SESSIONS, EVENTS, 12, (t) => [`${t}.dlq`]);
const f = (n: number, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
console.log(
  `processor chunk cost: ${f(total)} records of ${f(SESSIONS)} sessions, chunk sizes ${SIZES.join(', ')}; load ${load()}`,
);

const points: { size: number; delay: number; usPerRecord: number }[] = [];
for (const delay of DELAYS)
  for (const size of SIZES) {
    const proxy =
      delay > 0 ? await startDelayProxy(redisUrl.hostname, Number(redisUrl.port || 6379), delay) : undefined;
    const db = await freshDatabase();
    const processor = await startProcessor({
      KAFKA_EVENTS_TOPIC: topic,
      KAFKA_DLQ_TOPIC: `${topic}.dlq`,
      KAFKA_GROUP_ID: randomName('bench-chunk'),
      REDIS_KEY_PREFIX: randomName('pchunk'),
      MYSQL_URL: db.url,
      REDIS_URL: proxy ? `redis://127.0.0.1:${proxy.port}` : redisUrl.href,
      PROCESSOR_CHUNK_SIZE: String(size),
      SWEEP_ENABLED: 'false',
      LIFECYCLE_ENABLED: 'false',
    });
    const pid = processor.child.pid!;
    const processed = () => processor.metric('processor_messages_processed_total');
    const deadline = Date.now() + DEADLINE_MS;
    let first: { cpu: number; done: number; at: number } | undefined;
    let done = 0;
    while (Date.now() < deadline) {
      done = await processed();
      if (!first && done > 0) first = { cpu: cpuMs(pid), done, at: performance.now() };
      if (done >= total) break;
      await sleep(100);
    }
    const cpu = cpuMs(pid) - (first?.cpu ?? 0);
    const applied = done - (first?.done ?? 0);
    const wallS = (performance.now() - (first?.at ?? 0)) / 1000;
    const chunks = await processor.metric('processor_chunk_duration_ms_count');
    await processor.stop('SIGTERM');
    await db.drop();
    await proxy?.close();
    const usPerRecord = (cpu * 1000) / Math.max(1, applied);
    points.push({ size, delay, usPerRecord });
    console.log(
      `  +${delay} ms Redis, chunk size ${String(size).padStart(5)}: ${f(applied)} records in ${f(chunks)} chunks (${f(done / Math.max(1, chunks), 1)} a chunk), ` +
        `${f(wallS, 1)} s, ${f(usPerRecord, 1)} µs CPU/record → ${f(1e6 / usPerRecord)} records per CPU-second` +
        (done < total ? `  (deadline: ${f(done)} of ${f(total)})` : ''),
    );
  }
await deleteTopics([topic, `${topic}.dlq`]);

// Least squares of y = a + b·x with x = 1 / (records a chunk): a is the CPU of a record, b of a chunk (first delay).
const direct = points.filter((p) => p.delay === DELAYS[0]);
const xs = direct.map((p) => 1 / p.size);
const ys = direct.map((p) => p.usPerRecord);
const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
const mx = mean(xs);
const my = mean(ys);
const b = xs.reduce((s, x, i) => s + (x - mx) * (ys[i]! - my), 0) / xs.reduce((s, x) => s + (x - mx) ** 2, 0);
const a = my - b * mx;
console.log(
  `  fit: ${f(a, 1)} µs a record + ${f(b / 1000, 2)} ms a chunk; ratio CPU per record at ${SIZES[0]} vs ${SIZES.at(-1)} a chunk ` +
    `×${(direct[0]!.usPerRecord / direct.at(-1)!.usPerRecord).toFixed(2)}; load ${load()}`,
);
for (const p of points.filter((q) => q.delay !== DELAYS[0])) {
  const same = direct.find((q) => q.size === p.size)!;
  console.log(
    `  +${p.delay} ms against +${DELAYS[0]} ms at ${p.size} a chunk: CPU per record ×${(p.usPerRecord / same.usPerRecord).toFixed(2)}`,
  );
}
process.exit(0);
