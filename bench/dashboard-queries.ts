// Dashboard query costs on a seeded database (24k sessions, 48k alerts across 4 tenants): the indexed ranked list
// against the same query with its indexes ignored, and the SSE change-detection tick against re-reading the
// ranked list, which is what each connection would do without the shared live feed.
import { changedAlertsSql, scheduleStampSql } from '@proctor/dashboard/server/live/liveFeed';
import { rankedSessionsSql } from '@proctor/dashboard/server/queries/sessions';
import { seedBulk } from '@proctor/dashboard/test/seedBulk';
import { createTestDb } from '@proctor/dashboard/test/testDashboard';

const TENANTS = 4;
const SCHEDULES = 3;
const PER_SCHEDULE = 2_000;
const ITERATIONS = 150;
const CONNECTIONS = 50;
const POLL_MS = 500;

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
  const stamp = await timeIt(scheduleStampSql, ['t1', 'exam-1']);
  const since = new Date(Date.now() - 2_000);
  const changed = await timeIt(changedAlertsSql, ['t1', since, since, '', 'exam-1']);
  const tick = stamp.p50 + changed.p50;

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
    `SSE tick (schedule stamp + changed alerts):   p50 ${f(tick)} ms  (stamp ${f(stamp.p50)}, alerts ${f(changed.p50)})`,
  );
  const sharedPerSecond = tick * (1000 / POLL_MS);
  const naivePerSecond = CONNECTIONS * indexed.p50 * (1000 / POLL_MS);
  console.log(
    `${CONNECTIONS} viewers of one schedule, polling every ${POLL_MS} ms: shared feed ${f(sharedPerSecond)} ms of DB time/s ` +
      `vs per-connection re-query ${f(naivePerSecond)} ms/s`,
  );
  console.log(`  → per-connection / shared: ${f(naivePerSecond / sharedPerSecond)}×`);
} finally {
  await db.drop();
}
