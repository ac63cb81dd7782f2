// Kafka REST produce calls per candidate-hour from the cohort's request mix: the cohort generator against the real
// edge (raw workerd) and stack, with a counting HTTP proxy between the edge and the REST bridge. Candidates ramp in,
// then a quiet hold (glances and heartbeats, as in bench/cohort-levers.ts) is counted: edge requests by route, REST
// produce calls and the records they carry, per candidate-hour and scaled to a million concurrent candidates. The
// edge makes one produce call per request that has records to write, so the second column adds one call per
// heartbeat: the count if heartbeats reach the processor through Kafka, one call each.
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

/** Counts the bridge's produce calls (POSTs) and the records in their JSON bodies, and forwards everything. */
const bridge = new URL(stackConfig().bridge.url);
const counts = { calls: 0, records: 0, bytes: 0 };
const proxy = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    if (req.method === 'POST') {
      counts.calls++;
      counts.bytes += body.length;
      try {
        counts.records += (JSON.parse(body.toString()) as { records?: unknown[] }).records?.length ?? 1;
      } catch {
        counts.records++;
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
const heartbeats = byPath.filter(([p]) => p.includes('heartbeat')).reduce((a, [, n]) => a + n, 0);
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
    `${f((counts.bytes - counts0.bytes) / Math.max(1, calls))} B a call`,
);
console.log(
  `  REST bridge ${f(cpu.bridge! / Math.max(1, calls), 2)} CPU-ms a call, broker ${f(cpu.kafka! / Math.max(1, calls), 2)} CPU-ms a call ` +
    '(both shared with nothing else of this bench; the box is shared with other engineers)',
);
console.log(
  `  heartbeats not through Kafka (this branch): ${f(calls / ch, 1)} calls per candidate-hour → ${f(perS(calls / ch))} calls/s at 1M ` +
    `(${f(calls / ch / 3600, 4)} per candidate per second)`,
);
console.log(
  `  heartbeats through Kafka, one call each: ${f((calls + heartbeats) / ch, 1)} per candidate-hour → ${f(perS((calls + heartbeats) / ch))} calls/s at 1M ` +
    `(ratio ×${((calls + heartbeats) / Math.max(1, calls)).toFixed(2)})`,
);
process.exit(0);
