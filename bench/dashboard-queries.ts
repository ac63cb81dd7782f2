// Dashboard query costs on a seeded database (24k sessions, 48k alerts across 4 tenants): the indexed ranked list
// against the same query with its indexes ignored, and the live feed's re-read of one schedule after a change notice
// (the alerts it names, by id, and the ranked list) shared by every viewer, against each connection re-reading the list.
import { alertsByIdSql } from '@proctor/dashboard/server/live/liveAlerts';
import { rankedSessionsSql } from '@proctor/dashboard/server/queries/sessions';
import { seedBulk } from '@proctor/dashboard/test/seedBulk';
import { createTestDb } from '@proctor/dashboard/test/testDashboard';

const TENANTS = 4;
const SCHEDULES = 3;
/** Sessions per schedule (BENCH_QUERIES_PER_SCHEDULE) and timed runs per query (BENCH_QUERIES_ITERATIONS). */
const PER_SCHEDULE = Number(process.env.BENCH_QUERIES_PER_SCHEDULE ?? 2_000);
const ITERATIONS = Number(process.env.BENCH_QUERIES_ITERATIONS ?? 150);
const CONNECTIONS = 50;
/** One notice burst per this many ms: a busy schedule's processor commits. */
const BURST_MS = 500;

const db = await createTestDb();
try {
  await seedBulk(db, {
    tenants: Array.from({ length: TENANTS }, (_, t) => `t${t}`),
    schedules: Array.from({ length: SCHEDULES }, (_, s) => `exam-${s}`),
    sessionsPerSchedule: PER_SCHEDULE,
    history: false,
  });

  async function timeIt(sql: string, params: unknown[]): Promise<{ p50: number; p95: number }> {
    for (let i = 0; i < 10; i++) await db.pool.query(sql, params); // warm the buffer pool and plan cache
    const samples: number[] = [];
    for (let i = 0; i < ITERATIONS; i++) {
      const start = performance.now();
      await db.pool.query(sql, params);
      samples.push(performance.now() - start);
    }
    samples.sort((a, b) => a - b);
    return {
      p50: samples[Math.floor(samples.length / 2)] as number,
      p95: samples[Math.floor(samples.length * 0.95)] as number,
    };
  }

  const ranked = rankedSessionsSql('t1', 'exam-1', {});
  const indexed = await timeIt(ranked.sql, ranked.params);
  const noIndex = await timeIt(
    ranked.sql.replace(
      'FROM sessions s',
      'FROM sessions s IGNORE INDEX (sessions_by_schedule_status, sessions_by_schedule_risk, sessions_by_schedule_updated)',
    ),
    ranked.params,
  );
  const [named] = await db.pool.query('SELECT alert_id FROM alerts WHERE tenant_id = ? LIMIT 20', ['t1']);
  const ids = (named as { alert_id: string }[]).map((r) => r.alert_id);
  const announced = await timeIt(alertsByIdSql, [ids, 't1', 'exam-1']);
  const reread = announced.p50 + indexed.p50;

  const f = (n: number) => n.toFixed(2);
  console.log(
    `seeded: ${TENANTS * SCHEDULES * PER_SCHEDULE} sessions, ${TENANTS * SCHEDULES * PER_SCHEDULE * 2} alerts`,
  );
  console.log(
    `ranked list (200 of ${PER_SCHEDULE}), indexed:        p50 ${f(indexed.p50)} ms  p95 ${f(indexed.p95)} ms`,
  );
  console.log(`ranked list, indexes ignored (full scan):     p50 ${f(noIndex.p50)} ms  p95 ${f(noIndex.p95)} ms`);
  console.log(`  → full scan / indexed: ${f(noIndex.p50 / indexed.p50)}×`);
  console.log(
    `live re-read (${ids.length} announced alerts + list): p50 ${f(reread)} ms  (alerts ${f(announced.p50)}, list ${f(indexed.p50)})`,
  );
  const sharedPerSecond = reread * (1000 / BURST_MS);
  const naivePerSecond = CONNECTIONS * indexed.p50 * (1000 / BURST_MS);
  console.log(
    `${CONNECTIONS} viewers of one schedule, a notice burst every ${BURST_MS} ms: shared feed ${f(sharedPerSecond)} ms of DB time/s ` +
      `vs per-connection re-query ${f(naivePerSecond)} ms/s`,
  );
  console.log(`  → per-connection / shared: ${f(naivePerSecond / sharedPerSecond)}×`);
} finally {
  await db.drop();
}
