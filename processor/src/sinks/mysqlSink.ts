// MySQL writes of one chunk in one transaction: batched multi-row upserts that are safe to replay.
import type { Alert, RiskSnapshot, SessionStartedRecord } from '@proctor/contracts';
import mysql, { type Pool, type PoolConnection } from 'mysql2/promise';

export interface SessionStartRow {
  sessionId: string;
  tenantId: string;
  session: SessionStartedRecord['session'];
  receivedAt: number;
}

export interface SessionUpdateRow {
  sessionId: string;
  lastSeenAt: number;
  riskScore: number;
  endedAt: number | undefined;
}

export interface ChunkWrites {
  starts: SessionStartRow[];
  alerts: Alert[];
  snapshots: RiskSnapshot[];
  updates: SessionUpdateRow[];
}

const d = (ms: number) => new Date(ms);
const byKey = <T>(rows: T[], key: (r: T) => string) => [...rows].sort((a, b) => (key(a) < key(b) ? -1 : 1));
const isEmpty = (w: ChunkWrites) => !w.starts.length && !w.alerts.length && !w.snapshots.length && !w.updates.length;

/**
 * A pool that writes DATETIME(3) as UTC (every time column holds UTC wall-clock time). READ COMMITTED: these
 * transactions only upsert by primary key, and without gap locks concurrent chunks deadlock far less often.
 */
export function createMysqlPool(url: string, connectionLimit: number): Pool {
  const pool = mysql.createPool({ uri: url, connectionLimit, timezone: 'Z', dateStrings: false, connectTimeout: 5000 });
  pool.pool.on('connection', (conn) => {
    conn.query('SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED', () => undefined);
  });
  return pool;
}

async function insertStarts(conn: PoolConnection, rows: SessionStartRow[]) {
  if (!rows.length) return;
  // A replayed start refreshes identity and config but never reopens an ended session or rewinds last_seen_at.
  await conn.query(
    `INSERT INTO sessions (session_id, tenant_id, exam_schedule_id, user_id, attempt_no, exam_config, accommodation, started_at, last_seen_at)
     VALUES ? ON DUPLICATE KEY UPDATE tenant_id = VALUES(tenant_id), exam_schedule_id = VALUES(exam_schedule_id),
       user_id = VALUES(user_id), attempt_no = VALUES(attempt_no), exam_config = VALUES(exam_config),
       accommodation = VALUES(accommodation),
       started_at = VALUES(started_at), last_seen_at = GREATEST(COALESCE(last_seen_at, VALUES(last_seen_at)), VALUES(last_seen_at))`,
    [
      rows.map((r) => [
        r.sessionId,
        r.tenantId,
        r.session.examScheduleId,
        r.session.userId,
        r.session.attemptNo,
        JSON.stringify(r.session.examConfig),
        r.session.accommodation ? JSON.stringify(r.session.accommodation) : null,
        d(r.session.startedAt),
        d(r.receivedAt),
      ]),
    ],
  );
}

async function upsertAlerts(conn: PoolConnection, rows: Alert[]) {
  if (!rows.length) return;
  // alert_id is deterministic: a replay updates the same row. status and created_at are never touched here, so a
  // proctor's acknowledge or dismiss survives any redelivery.
  await conn.query(
    `INSERT INTO alerts (alert_id, tenant_id, session_id, rule, severity, window_start, window_end, evidence, confidence, explanation, created_at)
     VALUES ? ON DUPLICATE KEY UPDATE severity = VALUES(severity), window_start = VALUES(window_start),
       window_end = VALUES(window_end), evidence = VALUES(evidence), confidence = VALUES(confidence),
       explanation = VALUES(explanation)`,
    [
      rows.map((a) => [
        a.alertId,
        a.tenantId,
        a.sessionId,
        a.rule,
        a.severity,
        d(a.windowStart),
        d(a.windowEnd),
        JSON.stringify(a.evidence),
        Math.round(a.confidence * 10_000) / 10_000,
        a.explanation.slice(0, 500),
        d(a.createdAt),
      ]),
    ],
  );
}

async function upsertSnapshots(conn: PoolConnection, rows: RiskSnapshot[]) {
  if (!rows.length) return;
  await conn.query(
    `INSERT INTO risk_snapshots (session_id, bucket_start, tenant_id, score, contributions, created_at) VALUES ?
     ON DUPLICATE KEY UPDATE score = VALUES(score), contributions = VALUES(contributions), created_at = VALUES(created_at)`,
    [
      rows.map((s) => [
        s.sessionId,
        d(s.bucketStart),
        s.tenantId,
        s.score,
        JSON.stringify(s.contributions),
        d(s.createdAt),
      ]),
    ],
  );
}

async function updateSessions(conn: PoolConnection, rows: SessionUpdateRow[]) {
  if (!rows.length) return;
  // One statement for many rows: CASE per column and a primary-key IN list, so InnoDB locks exactly these rows
  // (a join against a derived table scanned and locked the whole table, serialising concurrent chunks).
  // Sessions whose start record was never seen have no row (their identity is unknown) and are not invented.
  const cases = (col: string) => `CASE session_id ${rows.map(() => 'WHEN ? THEN ?').join(' ')} ELSE ${col} END`;
  const ended = rows.filter((r) => r.endedAt);
  const endedCase = ended.length
    ? `CASE session_id ${ended.map(() => 'WHEN ? THEN ?').join(' ')} ELSE ended_at END`
    : 'ended_at';
  const seenCase = cases('last_seen_at');
  await conn.query(
    `UPDATE sessions SET last_seen_at = GREATEST(COALESCE(last_seen_at, ${seenCase}), ${seenCase}),
       risk_score = ${cases('risk_score')}, ended_at = ${endedCase},
       status = IF(ended_at IS NULL, status, 'ended')
     WHERE session_id IN (${rows.map(() => '?').join(',')})`,
    [
      ...rows.flatMap((r) => [r.sessionId, d(r.lastSeenAt)]),
      ...rows.flatMap((r) => [r.sessionId, d(r.lastSeenAt)]),
      ...rows.flatMap((r) => [r.sessionId, r.riskScore]),
      ...ended.flatMap((r) => [r.sessionId, d(r.endedAt!)]),
      ...rows.map((r) => r.sessionId),
    ],
  );
}

export function createMysqlSink(pool: Pool) {
  return {
    async write(w: ChunkWrites): Promise<void> {
      if (isEmpty(w)) return;
      const conn = await pool.getConnection();
      let broken = false;
      try {
        // Rows in key order: concurrent chunks then lock in one order, which rules out most deadlocks (the rest
        // are retried: ER_LOCK_DEADLOCK is retriable).
        await conn.beginTransaction();
        await insertStarts(
          conn,
          byKey(w.starts, (r) => r.sessionId),
        );
        await upsertAlerts(
          conn,
          byKey(w.alerts, (r) => r.alertId),
        );
        await upsertSnapshots(
          conn,
          byKey(w.snapshots, (r) => `${r.sessionId}${r.bucketStart}`),
        );
        await updateSessions(
          conn,
          byKey(w.updates, (r) => r.sessionId),
        );
        await conn.commit();
      } catch (err) {
        await conn.rollback().catch(() => undefined);
        // A connection that failed mid-transaction is not trusted again.
        broken = true;
        conn.destroy();
        throw err;
      } finally {
        if (!broken) conn.release();
      }
    },
  };
}
export type MysqlSink = ReturnType<typeof createMysqlSink>;
