// The processor's MySQL write path alone (sinks/mysqlSink.ts, one transaction per chunk, PROCESSOR_CONCURRENCY
// chunks at once): rows written per second and per CPU-second of the MySQL server, for the row mix a live processor
// writes (session starts, session updates, risk snapshots, alerts), in live-sized chunks against backlog-sized ones.
// MariaDB is the machine's shared server, so its CPU is measured over each arm and over an idle window of the same
// length before it (other engineers' queries), and the idle rate is subtracted: rows per MariaDB CPU-second is what
// one core of a MySQL primary takes of this write path.
//   BENCH_SINK_SECONDS (20 per arm), BENCH_SINK_SESSIONS (20,000 live sessions), BENCH_SINK_CONCURRENCY (12),
//   BENCH_SINK_LIVE_CHUNK (25 sessions a chunk), BENCH_SINK_BACKLOG_CHUNK (600 sessions a chunk)
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { type Alert, type RiskSnapshot, sleep } from '@proctor/contracts';
import { type ChunkWrites, createMysqlPool, createMysqlSink } from '@proctor/processor/sinks/mysqlSink';
import { newSessions, startedRecord, T0 } from '@proctor/processor/test/events';
import { freshDatabase } from '@proctor/testkit';
import { cpuMs } from './lib/edge-workerd.ts';

const SECONDS = Number(process.env.BENCH_SINK_SECONDS ?? 20);
const SESSIONS = Number(process.env.BENCH_SINK_SESSIONS ?? 20_000);
const CONCURRENCY = Number(process.env.BENCH_SINK_CONCURRENCY ?? 12);
const LIVE_CHUNK = Number(process.env.BENCH_SINK_LIVE_CHUNK ?? 25);
const BACKLOG_CHUNK = Number(process.env.BENCH_SINK_BACKLOG_CHUNK ?? 600);
const TENANTS = 4;
/**
 * Rows per session appearing in a chunk, besides its session update: the quiet-box ramp stored 43 alerts + risk
 * snapshots per candidate-hour against about 56 batches (one session update each), taken here as 0.6 snapshots and
 * 0.15 alerts per update (the split between the two is an assumption; the ramp counts them together).
 */
const SNAPSHOTS_PER_UPDATE = 0.6;
const ALERTS_PER_UPDATE = 0.15;

function mariadbPid(): number {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (['mariadbd', 'mysqld'].includes(readFileSync(`/proc/${entry}/comm`, 'utf8').trim())) return Number(entry);
    } catch {
      // gone meanwhile
    }
  }
  throw new Error('no mariadbd/mysqld process: is the shared MariaDB on 3306 up?');
}

const db = await freshDatabase();
const pool = createMysqlPool(db.url, CONCURRENCY);
const sink = createMysqlSink(pool);
const mysqld = mariadbPid();
const sessions = await newSessions(SESSIONS, 't0');
for (const [i, s] of sessions.entries()) s.tenantId = `t${i % TENANTS}`;
const f = (n: number, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
const hex = () => randomBytes(32).toString('hex');
let bucket = 0;
let clock = T0;

/** The writes of one chunk touching `ids`: an update each, and snapshots and alerts in the mix above. */
function chunkWrites(ids: typeof sessions): ChunkWrites {
  clock += 1000;
  bucket += 1;
  const snapshots: RiskSnapshot[] = [];
  const alerts: Alert[] = [];
  for (const [k, s] of ids.entries()) {
    if ((k * SNAPSHOTS_PER_UPDATE) % 1 < SNAPSHOTS_PER_UPDATE) {
      const score = (k * 7) % 100;
      snapshots.push({
        tenantId: s.tenantId,
        sessionId: s.sessionId,
        bucketStart: T0 + bucket * 60_000,
        score,
        contributions: [{ rule: 'look_away', points: score }],
        createdAt: clock,
      });
    }
    if ((k * ALERTS_PER_UPDATE) % 1 < ALERTS_PER_UPDATE) {
      alerts.push({
        alertId: hex(),
        tenantId: s.tenantId,
        sessionId: s.sessionId,
        rule: 'look_away',
        severity: 'medium',
        windowStart: clock - 30_000,
        windowEnd: clock,
        evidence: [{ eventId: crypto.randomUUID(), timestamp: clock - 2000, confidence: 0.9, durationMillis: 7500 }],
        confidence: 0.9,
        explanation: '7.5 s looking away within 30 s (limit 5 s)',
        status: 'open',
        createdAt: clock,
      });
    }
  }
  const updates = ids.map((s, k) => ({
    sessionId: s.sessionId,
    lastSeenAt: clock,
    riskScore: (k * 7) % 100,
    endedAt: undefined,
  }));
  return { starts: [], alerts, snapshots, updates };
}
const rowsOf = (w: ChunkWrites) => w.starts.length + w.alerts.length + w.snapshots.length + w.updates.length;

interface Arm {
  name: string;
  rows: number;
  chunks: number;
  wallS: number;
  mysqldMs: number;
  idleMs: number;
  nodeMs: number;
  byKind: { starts: number; updates: number; snapshots: number; alerts: number };
}

/** Idle MariaDB CPU over `ms`: what the other engineers' work costs it meanwhile. */
async function idleCpu(ms: number): Promise<number> {
  const c0 = cpuMs(mysqld);
  await sleep(ms);
  return cpuMs(mysqld) - c0;
}

/**
 * CONCURRENCY writers, each one chunk after another (a partition's chunks are sequential; partitions run at once),
 * until the time is up. `next(w)` gives writer w's next chunk, or undefined when it has nothing left.
 */
async function run(name: string, next: (w: number) => ChunkWrites | undefined, seconds: number): Promise<Arm> {
  const idleMs = await idleCpu(Math.min(seconds, 10) * 1000);
  const idleScaled = (idleMs / Math.min(seconds, 10)) * seconds;
  const byKind = { starts: 0, updates: 0, snapshots: 0, alerts: 0 };
  let rows = 0;
  let chunks = 0;
  const end = performance.now() + seconds * 1000;
  const c0 = cpuMs(mysqld);
  const n0 = process.cpuUsage();
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async (_, w) => {
      while (performance.now() < end) {
        const writes = next(w);
        if (!writes) return;
        await sink.write(writes);
        rows += rowsOf(writes);
        chunks++;
        for (const k of Object.keys(byKind) as (keyof typeof byKind)[]) byKind[k] += writes[k].length;
      }
    }),
  );
  const wallS = (performance.now() - t0) / 1000;
  const nodeCpu = process.cpuUsage(n0);
  return {
    name,
    rows,
    chunks,
    wallS,
    mysqldMs: cpuMs(mysqld) - c0,
    idleMs: (idleScaled * wallS) / seconds,
    nodeMs: (nodeCpu.user + nodeCpu.system) / 1000,
    byKind,
  };
}

// Arm 1: the session rows themselves, inserted as the processor inserts session_started (in live-sized chunks).
let seeded = 0;
const starts = await run(
  'session starts (inserts)',
  () => {
    if (seeded >= sessions.length) return undefined;
    const ids = sessions.slice(seeded, seeded + LIVE_CHUNK);
    seeded += ids.length;
    return {
      starts: ids.map((s) => {
        const r = startedRecord(undefined, s) as Extract<ReturnType<typeof startedRecord>, { kind: 'session_started' }>;
        return { sessionId: s.sessionId, tenantId: s.tenantId, session: r.session, receivedAt: r.receivedAt };
      }),
      alerts: [],
      snapshots: [],
      updates: [],
    };
  },
  600,
);

/** Writer w walks its own slice of the sessions, `size` at a time: partitions own disjoint sessions. */
function chunksOf(size: number) {
  const per = Math.floor(sessions.length / CONCURRENCY);
  const at = new Array<number>(CONCURRENCY).fill(0);
  return (w: number) => {
    const slice = sessions.slice(w * per, (w + 1) * per);
    const ids = Array.from({ length: Math.min(size, slice.length) }, (_, k) => slice[(at[w]! + k) % slice.length]!);
    at[w] = (at[w]! + size) % slice.length;
    return chunkWrites(ids);
  };
}
const live = await run(`live chunks (${LIVE_CHUNK} sessions)`, chunksOf(LIVE_CHUNK), SECONDS);
const backlog = await run(`backlog chunks (${BACKLOG_CHUNK} sessions)`, chunksOf(BACKLOG_CHUNK), SECONDS);

const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
console.log(
  `MySQL sink: ${f(SESSIONS)} sessions over ${TENANTS} tenants, ${CONCURRENCY} chunks at once (PROCESSOR_CONCURRENCY), ` +
    `mix per session update: ${SNAPSHOTS_PER_UPDATE} risk snapshots, ${ALERTS_PER_UPDATE} alerts; load average ${load}`,
);
const perCore = (a: Arm) => a.rows / (Math.max(1, a.mysqldMs - a.idleMs) / 1000);
for (const a of [starts, live, backlog]) {
  console.log(
    `  ${a.name.padEnd(30)} ${f(a.rows)} rows in ${f(a.chunks)} transactions, ${f(a.wallS, 1)} s: ${f(a.rows / a.wallS)} rows/s; ` +
      `MariaDB ${f(a.mysqldMs)} CPU-ms (idle rate ${f(a.idleMs)}) → ${f(perCore(a))} rows per MariaDB CPU-second; ` +
      `node sink ${f((a.nodeMs * 1000) / a.rows, 1)} µs CPU/row` +
      (a.byKind.updates
        ? ` (updates ${f(a.byKind.updates)}, snapshots ${f(a.byKind.snapshots)}, alerts ${f(a.byKind.alerts)})`
        : ''),
  );
}
console.log(
  `  ratio backlog/live: rows/s ×${(backlog.rows / backlog.wallS / (live.rows / live.wallS)).toFixed(2)}, ` +
    `rows per MariaDB CPU-second ×${(perCore(backlog) / perCore(live)).toFixed(2)}`,
);
console.log(
  `  one MySQL core at the live chunk size: ${f(perCore(live))} rows/s of this mix (a managed primary also pays ` +
    'replication and a durable commit per transaction: see docs/capacity.md)',
);
await pool.end();
await db.drop();
process.exit(0);
