// Kafka REST produce calls per candidate-hour from the cohort's request mix: the cohort generator against the real
// edge (raw workerd) and stack, with a counting HTTP proxy between the edge and the REST bridge. Candidates ramp in,
// then a quiet hold (glances and heartbeats, as in bench/cohort-levers.ts) is counted: edge requests by route, REST
// produce calls, the records they carry and their bytes, split by what the call carries (heartbeat records, a batch's
// event records, anything else), per candidate-hour and scaled to a million concurrent candidates. Heartbeats reach
// the processor through Kafka (one produce call each, edge/src/routes/sessionsHeartbeat.ts), and the cohort sends one
// only when no batch reached the edge within the interval (client/src/transport/heartbeat.ts), so both are counted,
// not assumed.
//   BENCH_REST_CANDIDATES (300), BENCH_REST_HOLD (60 s)
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createMetrics, startCohort } from '@proctor/cohort';
import { sleep } from '@proctor/contracts';
import { stackConfig } from '@proctor/infra/stack/config';
import { mintDevToken } from '@proctor/testkit';
import { cpuMeter, startCohortStack, withTimeout } from './lib/cohort-stack.ts';

const CANDIDATES = Number(process.env.BENCH_REST_CANDIDATES ?? 300);
const HOLD_MS = Number(process.env.BENCH_REST_HOLD ?? 60) * 1000;
const JOIN_MS = Math.max(10_000, Math.round(CANDIDATES / 25) * 1000);
const LIVE_SLACK_MS = 8000;
const MILLION = 1_000_000;

/** Counts the bridge's produce calls (POSTs), the records in their JSON bodies and their bytes, by kind; forwards all. */
const bridge = new URL(stackConfig().bridge.url);
type Kind = 'heartbeat' | 'batch' | 'shared' | 'other';
const zero = () => ({ calls: 0, records: 0, bytes: 0 });
const counts = { calls: 0, records: 0, bytes: 0 };
const byKind: Record<Kind, ReturnType<typeof zero>> = {
  heartbeat: zero(),
  batch: zero(),
  shared: zero(),
  other: zero(),
};
/**
 * A call's kind from its records' `kind`: all heartbeats, all events (one or more batches), heartbeats and events in
 * one call (an isolate's shared produce, edge/src/kafka/sharedProduce.ts), or anything else.
 */
function kindOf(records: { value?: { kind?: string } }[]): Kind {
  const kinds = new Set(records.map((r) => r.value?.kind));
  if (kinds.size === 1 && kinds.has('heartbeat')) return 'heartbeat';
  if (kinds.size === 1 && kinds.has('event')) return 'batch';
  if (kinds.size === 2 && kinds.has('heartbeat') && kinds.has('event')) return 'shared';
  return 'other';
}
const proxy = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    if (req.method === 'POST') {
      let records: { value?: { kind?: string } }[] = [{}];
      try {
        records = (JSON.parse(body.toString()) as { records?: typeof records }).records ?? records;
      } catch {
        // Not JSON: counted as one record of no kind.
      }
      for (const c of [counts, byKind[kindOf(records)]]) {
        c.calls++;
        c.bytes += body.length;
        c.records += records.length;
      }
    }
    const upstream = request(
      { host: bridge.hostname, port: bridge.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.writeHead(502).end());
    upstream.end(body);
  });
});
await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
// The cohort stack points the edge at stackConfig().bridge.url, which KAFKA_BRIDGE_URL overrides.
process.env.KAFKA_BRIDGE_URL = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;

const stack = await startCohortStack();
const metrics = createMetrics();
const cohort = startCohort({
  candidates: CANDIDATES,
  seed: 24,
  runId: `${stack.prefix}r`,
  examMs: JOIN_MS + LIVE_SLACK_MS + HOLD_MS + 5000,
  // Incidents after everyone left: the hold is an exam's quiet middle (its incidents add batches, see the doc).
  incidentWindowMs: [JOIN_MS + LIVE_SLACK_MS + HOLD_MS + 10_000, JOIN_MS + LIVE_SLACK_MS + HOLD_MS + 11_000],
  tenants: 2,
  schedulesPerTenant: 2,
  joinSpreadMs: JOIN_MS,
  metrics,
  mintToken: (claims, expSeconds) => mintDevToken(claims, { expSeconds }),
  edgeUrl: stack.edge.url,
});
const start = Date.now();
while (Date.now() < start + JOIN_MS + LIVE_SLACK_MS) await sleep(250);
const paths0 = new Map(metrics.byPath);
// The bridge (a JVM REST proxy, as a self-run Confluent REST Proxy or Redpanda's would be) and the broker: their CPU
// per produce call is what a standalone REST tier needs.
const meter = cpuMeter({ bridge: stack.pids.bridge!, kafka: stack.pids.kafka! });
const counts0 = { ...counts };
const byKind0 = Object.fromEntries(Object.entries(byKind).map(([k, v]) => [k, { ...v }])) as typeof byKind;
let candidateMs = 0;
const h0 = Date.now();
let last = h0;
while (Date.now() - h0 < HOLD_MS) {
  await sleep(500);
  const now = Date.now();
  candidateMs += metrics.sessionsLive * (now - last);
  last = now;
}
const cpu = meter();
const ch = candidateMs / 3_600_000;
const byPath = [...metrics.byPath].map(([p, n]) => [p, n - (paths0.get(p) ?? 0)] as const).filter(([, n]) => n > 0);
const calls = counts.calls - counts0.calls;
const records = counts.records - counts0.records;
const bytes = counts.bytes - counts0.bytes;
const holdByKind = (['heartbeat', 'batch', 'shared', 'other'] as const).map((kind) => ({
  kind,
  calls: byKind[kind].calls - byKind0[kind].calls,
  records: byKind[kind].records - byKind0[kind].records,
  bytes: byKind[kind].bytes - byKind0[kind].bytes,
}));
const heartbeats = byPath.filter(([p]) => p.includes('heartbeat')).reduce((a, [, n]) => a + n, 0);
// MySQL rows the processor wrote for the hold (by their created_at, after a few seconds for its lag): a risk snapshot
// always comes with its session's row update (processor/src/consumer/applyChunk.ts), a chunk of only heartbeats
// writes neither, and alerts are rows of their own.
await sleep(5000);
const holdRows = async (table: string) =>
  Number(
    (
      (
        await stack.db.pool.query(
          `SELECT COUNT(*) AS n FROM ${table} WHERE created_at >= FROM_UNIXTIME(?) AND created_at < FROM_UNIXTIME(?)`,
          [h0 / 1000, last / 1000],
        )
      )[0] as { n: number }[]
    )[0]!.n,
  );
const snapshots = await holdRows('risk_snapshots');
const alerts = await holdRows('alerts');
await withTimeout('ending the sessions', cohort.done, 90_000).catch(async () => {
  await withTimeout('stopping the cohort', cohort.stop(), 30_000).catch(() => {});
});
await stack.stop();
proxy.close();

const f = (n: number, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
const perS = (perCh: number) => (MILLION * perCh) / 3600;
console.log(
  `Kafka REST produce calls: ${CANDIDATES} candidates, hold ${HOLD_MS / 1000} s = ${f(ch, 2)} candidate-hours (${metrics.sessionsLive} live at the end)`,
);
console.log(`  edge requests per candidate-hour: ${byPath.map(([p, n]) => `${p} ${f(n / ch, 1)}`).join(', ')}`);
console.log(
  `  REST produce calls per candidate-hour ${f(calls / ch, 1)}, records ${f(records / ch, 1)} (${f(records / Math.max(1, calls), 2)} a call), ` +
    `${f(bytes / Math.max(1, calls))} B a call`,
);
console.log(
  `  REST bridge ${f(cpu.bridge! / Math.max(1, calls), 2)} CPU-ms a call, broker ${f(cpu.kafka! / Math.max(1, calls), 2)} CPU-ms a call ` +
    '(both shared with nothing else of this bench; the box is shared with other engineers)',
);
for (const d of holdByKind) {
  console.log(
    `  ${d.kind} calls: ${f(d.calls / ch, 1)} per candidate-hour (${f((100 * d.calls) / Math.max(1, calls), 1)} % of calls), ` +
      `${f(d.records / Math.max(1, d.calls), 2)} records and ${f(d.bytes / Math.max(1, d.calls))} B a call, ` +
      `${f(d.bytes / ch / 1000, 1)} KB per candidate-hour`,
  );
}
console.log(
  `  at 1M: ${f(perS(calls / ch))} REST produce calls/s, ${f(perS(records / ch))} records/s, ` +
    `${f(perS(bytes / ch) / 1e6, 1)} MB/s of request bodies (${f(calls / ch / 3600, 4)} calls per candidate per second)`,
);
console.log(
  `  MySQL rows per candidate-hour ${f((2 * snapshots + alerts) / ch, 1)}: risk snapshots ${f(snapshots / ch, 1)}, ` +
    `session updates with them ${f(snapshots / ch, 1)}, alerts ${f(alerts / ch, 1)} (starts and ends not in the hold)`,
);
console.log(
  `  heartbeat requests per candidate-hour ${f(heartbeats / ch, 1)} (a heartbeat skipped when a batch reached the edge within its interval)`,
);
process.exit(0);
