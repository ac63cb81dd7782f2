// Every query the dashboard runs on its hot pages and live feed uses an index: EXPLAIN on a seeded database
// (several tenants, thousands of rows) shows no full table scan and no full index scan for any table it reads.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedBulk } from '../../../test/seedBulk.ts';
import { createTestDb, type TestDb } from '../../../test/testDashboard.ts';
import { alertsByIdSql } from '../live/liveAlerts.ts';
import { sessionAlertsSql } from './alerts.ts';
import { auditSql, riskSnapshotsSql } from './history.ts';
import { scheduleCountsSql, scheduleFlaggedSql } from './schedules.ts';
import {
  rankedSessionsSql,
  scheduleExistsSql,
  scheduleSessionCountsSql,
  sessionBelongsSql,
  sessionByIdSql,
} from './sessions.ts';

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
  sampleSession = await seedBulk(db, { tenants: TENANTS, schedules: SCHEDULES, sessionsPerSchedule: 250 });
}, 120_000);

afterAll(async () => {
  await db?.drop();
});

/** A cursor time just behind now: a page before it reads the newest rows. */
const recent = () => new Date(Date.now() - 2_000);
const QUERIES: [string, () => { sql: string; params: unknown[] }][] = [
  ['overview: counts per schedule', () => ({ sql: scheduleCountsSql, params: ['t-a'] })],
  ['overview: flagged per schedule', () => ({ sql: scheduleFlaggedSql, params: ['t-a'] })],
  ['live list: ranked, no filter', () => rankedSessionsSql('t-a', 'exam-1', {})],
  ['live list: status=active', () => rankedSessionsSql('t-a', 'exam-1', { status: 'active' })],
  ['live list: status=flagged', () => rankedSessionsSql('t-a', 'exam-1', { status: 'flagged' })],
  ['live list: rule=no_face', () => rankedSessionsSql('t-a', 'exam-1', { rule: 'no_face' })],
  ['schedule exists', () => ({ sql: scheduleExistsSql, params: ['t-a', 'exam-1'] })],
  [
    'live list: how many sessions the schedule has',
    () => ({ sql: scheduleSessionCountsSql, params: ['t-a', 'exam-1'] }),
  ],
  ['session by id', () => ({ sql: sessionByIdSql, params: [sampleSession, 't-a'] })],
  ['session belongs to tenant', () => ({ sql: sessionBelongsSql, params: [sampleSession, 't-a'] })],
  ['session alerts', () => ({ sql: sessionAlertsSql, params: ['t-a', sampleSession] })],
  ['risk snapshots', () => ({ sql: riskSnapshotsSql, params: ['t-a', sampleSession] })],
  [
    'audit log, a page before a cursor',
    () => ({ sql: auditSql, params: ['t-a', sampleSession, recent(), recent(), 9, 501] }),
  ],
  [
    'live feed: announced alerts',
    () => ({ sql: alertsByIdSql, params: [['a'.repeat(64), 'f'.repeat(64)], 't-a', 'exam-1'] }),
  ],
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
});
