// Bulk rows for query-plan tests and benchmarks: many tenants, schedules and sessions, each with two alerts,
// a few risk snapshots and an occasional audit entry, inserted with multi-row statements.
import type { TestDb } from './testDashboard.ts';
import { rand } from './testDashboard.ts';

export interface BulkShape {
  tenants: string[];
  schedules: string[];
  sessionsPerSchedule: number;
  /** Also write 4 snapshots per session and an audit entry for every 10th (default true). */
  history?: boolean;
}

/** Inserts the rows, runs ANALYZE, and returns one session id of the first tenant (for point lookups). */
export async function seedBulk(db: TestDb, shape: BulkShape): Promise<string> {
  const now = Date.now();
  const history = shape.history ?? true;
  let sample = '';
  for (const tenant of shape.tenants) {
    for (const schedule of shape.schedules) {
      const sessions: unknown[][] = [];
      const alerts: unknown[][] = [];
      const snapshots: unknown[][] = [];
      const audit: unknown[][] = [];
      for (let i = 0; i < shape.sessionsPerSchedule; i++) {
        const id = rand(32);
        sample ||= id;
        const started = new Date(now - 3_600_000);
        sessions.push([
          id,
          tenant,
          schedule,
          `u${i}`,
          1,
          i % 5 ? 'active' : 'ended',
          '{}',
          started,
          Math.random() * 100,
        ]);
        for (const rule of ['look_away', 'no_face']) {
          const window = [new Date(now - 60_000), new Date(now - 30_000)];
          const status = i % 3 ? 'open' : 'dismissed';
          alerts.push([
            rand(32),
            tenant,
            id,
            rule,
            'high',
            ...window,
            '[]',
            0.9,
            'x',
            status,
            new Date(now - (i % 50) * 1000),
          ]);
        }
        if (!history) continue;
        for (let b = 0; b < 4; b++) snapshots.push([id, new Date(now - b * 10_000), tenant, 10 * b, '[]']);
        if (i % 10 === 0) audit.push([tenant, id, null, 'p1', 'acknowledge', null]);
      }
      await insert(
        db,
        'sessions',
        'session_id, tenant_id, exam_schedule_id, user_id, attempt_no, status, exam_config, started_at, risk_score',
        sessions,
      );
      await insert(
        db,
        'alerts',
        'alert_id, tenant_id, session_id, rule, severity, window_start, window_end, evidence, confidence, explanation, status, updated_at',
        alerts,
      );
      await insert(db, 'risk_snapshots', 'session_id, bucket_start, tenant_id, score, contributions', snapshots);
      await insert(db, 'audit_log', 'tenant_id, session_id, alert_id, actor, action, note', audit);
    }
  }
  await db.pool.query('ANALYZE TABLE sessions, alerts, risk_snapshots, audit_log');
  return sample;
}

async function insert(db: TestDb, table: string, columns: string, rows: unknown[][]): Promise<void> {
  if (rows.length > 0) await db.pool.query(`INSERT INTO ${table} (${columns}) VALUES ?`, [rows]);
}
