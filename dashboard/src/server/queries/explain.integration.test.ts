// Every query the dashboard runs on its hot pages and live feed uses an index: EXPLAIN on a seeded database
// (several tenants, thousands of rows) shows no full table scan and no full index scan for any table it reads.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, rand, type TestDb } from '../../../test/harness.ts';
import { changedAlertsSql, scheduleStampSql } from '../live/liveFeed.ts';
import { sessionAlertsSql } from './alerts.ts';
import { auditSql, riskSnapshotsSql } from './history.ts';
import { scheduleCountsSql, scheduleFlaggedSql } from './schedules.ts';
import { rankedSessionsSql, scheduleExistsSql, sessionBelongsSql, sessionByIdSql } from './sessions.ts';

let db: TestDb;
const TENANTS = ['t-a', 't-b', 't-c', 't-d'];
const SCHEDULES = ['exam-1', 'exam-2', 'exam-3'];
let sampleSession = '';

interface ExplainRow {
  table: string | null;
  type: string | null;
  key: string | null;
  Extra: string | null;
}

async function explain(sql: string, params: unknown[]): Promise<ExplainRow[]> {
  const [result] = await db.pool.query(`EXPLAIN ${sql}`, params);
  return result as ExplainRow[];
}

/** A table read is acceptable only through an index range/lookup; 'ALL' and 'index' scan everything. */
function fullScans(plan: ExplainRow[]): ExplainRow[] {
  return plan.filter((r) => r.table !== null && (r.type === 'ALL' || r.type === 'index' || r.key === null));
}

beforeAll(async () => {
  db = await createTestDb();
  const sessions: unknown[][] = [];
  const alerts: unknown[][] = [];
  const snapshots: unknown[][] = [];
  const audit: unknown[][] = [];
  const now = Date.now();
  for (const tenant of TENANTS) {
    for (const schedule of SCHEDULES) {
      for (let i = 0; i < 250; i++) {
        const id = rand(32);
        sampleSession ||= id;
        sessions.push([
          id,
          tenant,
          schedule,
          `u${i}`,
          1,
          i % 5 ? 'active' : 'ended',
          '{}',
          new Date(now - 3_600_000),
          Math.random() * 100,
        ]);
        for (const rule of ['look_away', 'no_face']) {
          alerts.push([
            rand(32),
            tenant,
            id,
            rule,
            'high',
            new Date(now - 60_000),
            new Date(now - 30_000),
            '[]',
            0.9,
            'x',
            i % 3 ? 'open' : 'dismissed',
            new Date(now - (i % 50) * 1000),
          ]);
        }
        for (let b = 0; b < 4; b++) snapshots.push([id, new Date(now - b * 10_000), tenant, 10 * b, '[]']);
        if (i % 10 === 0) audit.push([tenant, id, null, 'p1', 'acknowledge', null]);
      }
    }
  }
  await db.pool.query(
    'INSERT INTO sessions (session_id, tenant_id, exam_schedule_id, user_id, attempt_no, status, exam_config, started_at, risk_score) VALUES ?',
    [sessions],
  );
  await db.pool.query(
    'INSERT INTO alerts (alert_id, tenant_id, session_id, rule, severity, window_start, window_end, evidence, confidence, explanation, status, updated_at) VALUES ?',
    [alerts],
  );
  await db.pool.query(
    'INSERT INTO risk_snapshots (session_id, bucket_start, tenant_id, score, contributions) VALUES ?',
    [snapshots],
  );
  await db.pool.query('INSERT INTO audit_log (tenant_id, session_id, alert_id, actor, action, note) VALUES ?', [audit]);
  await db.pool.query('ANALYZE TABLE sessions, alerts, risk_snapshots, audit_log');
}, 120_000);

afterAll(async () => {
  await db?.drop();
});

const recent = () => new Date(Date.now() - 2_000);
const QUERIES: [string, () => { sql: string; params: unknown[] }][] = [
  ['overview: counts per schedule', () => ({ sql: scheduleCountsSql, params: ['t-a'] })],
  ['overview: flagged per schedule', () => ({ sql: scheduleFlaggedSql, params: ['t-a'] })],
  ['live list: ranked, no filter', () => rankedSessionsSql('t-a', 'exam-1', {})],
  ['live list: status=active', () => rankedSessionsSql('t-a', 'exam-1', { status: 'active' })],
  ['live list: status=flagged', () => rankedSessionsSql('t-a', 'exam-1', { status: 'flagged' })],
  ['live list: rule=no_face', () => rankedSessionsSql('t-a', 'exam-1', { rule: 'no_face' })],
  ['schedule exists', () => ({ sql: scheduleExistsSql, params: ['t-a', 'exam-1'] })],
  ['session by id', () => ({ sql: sessionByIdSql, params: [sampleSession, 't-a'] })],
  ['session belongs to tenant', () => ({ sql: sessionBelongsSql, params: [sampleSession, 't-a'] })],
  ['session alerts', () => ({ sql: sessionAlertsSql, params: ['t-a', sampleSession] })],
  ['risk snapshots', () => ({ sql: riskSnapshotsSql, params: ['t-a', sampleSession] })],
  ['audit log', () => ({ sql: auditSql, params: ['t-a', sampleSession] })],
  ['SSE tick: schedule stamp', () => ({ sql: scheduleStampSql, params: ['t-a', 'exam-1'] })],
  ['SSE tick: changed alerts', () => ({ sql: changedAlertsSql, params: ['t-a', recent(), 'exam-1'] })],
];

describe('EXPLAIN of every dashboard query', () => {
  it.each(QUERIES)('%s reads only through indexes', async (_name, build) => {
    const { sql, params } = build();
    const plan = await explain(sql, params);
    expect(plan.length).toBeGreaterThan(0);
    expect(fullScans(plan), JSON.stringify(plan, null, 1)).toEqual([]);
  });

  it('the checker itself catches a full scan (negative control)', async () => {
    const plan = await explain('SELECT * FROM alerts WHERE explanation = ?', ['x']);
    expect(fullScans(plan).length).toBeGreaterThan(0);
  });

  it('the ranked list is read in index order, with no sort of the schedule’s sessions', async () => {
    const { sql, params } = rankedSessionsSql('t-a', 'exam-1', {});
    const [outer] = await explain(sql, params);
    expect(outer?.key).toBe('sessions_by_schedule_risk');
    expect(outer?.Extra ?? '').not.toMatch(/filesort/);
  });

  it('the SSE stamp is answered from the index alone', async () => {
    const plan = await explain(scheduleStampSql, ['t-a', 'exam-1']);
    expect(plan.map((r) => r.Extra ?? '').join(' ')).toMatch(/Select tables optimized away|Using index/);
  });
});
