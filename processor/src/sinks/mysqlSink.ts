// MySQL writes of one chunk in one transaction: batched multi-row upserts that are safe to replay.
import {
  type Alert,
  MYSQL_UTC_OPTIONS,
  pinUtc,
  type RiskSnapshot,
  type SessionStartedRecord,
} from '@proctor/contracts';
import mysql, { type Pool, type PoolConnection, type QueryValues } from 'mysql2/promise';

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

/** A connection whose every statement carries the query timeout (mysql2 has no connection-wide default). */
interface Statements {
  query(sql: string, values?: QueryValues): Promise<unknown>;
}
const withTimeout = (conn: PoolConnection, timeout: number): Statements => ({
  query: (sql, values) => conn.query({ sql, timeout }, values),
});
const byKey = <T>(rows: T[], key: (r: T) => string) => [...rows].sort((a, b) => (key(a) < key(b) ? -1 : 1));
const isEmpty = (w: ChunkWrites) => !w.starts.length && !w.alerts.length && !w.snapshots.length && !w.updates.length;

/**
 * A pool on UTC (contracts mysqlUtc: alerts.updated_at is stamped by the server). READ COMMITTED: these
 * transactions only upsert by primary key, and without gap locks concurrent chunks deadlock far less often.
 */
export function createMysqlPool(url: string, connectionLimit: number, queryTimeoutMs = 15_000): Pool {
  const pool = pinUtc(
    mysql.createPool({ uri: url, connectionLimit, ...MYSQL_UTC_OPTIONS, dateStrings: false, connectTimeout: 5000 }),
  );
  pool.pool.on('connection', (conn) => {
    // With a timeout too: a statement queued behind an unanswered one would never start its own timer.
    conn.query(
      { sql: 'SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED', timeout: queryTimeoutMs },
      () => undefined,
    );
  });
  return pool;
}

async function insertStarts(conn: Statements, rows: SessionStartRow[]) {
  if (!rows.length) return;
  // A replayed start refreshes config but never reopens an ended session or rewinds last_seen_at. The identity
  // (tenant, schedule, user, attempt) is what the session id derives from, so it is written once and never updated:
  // no record can move a session to another tenant.
  await conn.query(
    `INSERT INTO sessions (session_id, tenant_id, exam_schedule_id, user_id, attempt_no, exam_config, accommodation, started_at, last_seen_at)
     VALUES ? ON DUPLICATE KEY UPDATE exam_config = VALUES(exam_config), accommodation = VALUES(accommodation),
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

async function upsertAlerts(conn: Statements, rows: Alert[]) {
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

async function upsertSnapshots(conn: Statements, rows: RiskSnapshot[]) {
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

async function updateSessions(conn: Statements, rows: SessionUpdateRow[]) {
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

export function createMysqlSink(pool: Pool, queryTimeoutMs = 15_000) {
  return {
    /** The tenant of each session that has a row (by primary key): the owner a record is checked against. */
    async sessionTenants(sessionIds: string[]): Promise<Map<string, string>> {
      const [rows] = await pool.query(
        { sql: 'SELECT session_id, tenant_id FROM sessions WHERE session_id IN (?)', timeout: queryTimeoutMs },
        [sessionIds],
      );
      return new Map((rows as { session_id: string; tenant_id: string }[]).map((r) => [r.session_id, r.tenant_id]));
    },
    async write(w: ChunkWrites): Promise<void> {
      if (isEmpty(w)) return;
      const raw = await pool.getConnection();
      const conn = withTimeout(raw, queryTimeoutMs);
      let broken = false;
      try {
        // Rows in key order: concurrent chunks then lock in one order, which rules out most deadlocks (the rest
        // are retried: ER_LOCK_DEADLOCK is retriable).
        await conn.query('START TRANSACTION');
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
        await conn.query('COMMIT');
      } catch (err) {
        // After a timeout the server may never answer: a ROLLBACK would wait forever. Destroying the connection
        // rolls the transaction back on the server's side anyway.
        if ((err as { code?: unknown }).code !== 'PROTOCOL_SEQUENCE_TIMEOUT') {
          await conn.query('ROLLBACK').catch(() => undefined);
        }
        // A connection that failed mid-transaction is not trusted again.
        broken = true;
        raw.destroy();
        throw err;
      } finally {
        if (!broken) raw.release();
      }
    },
  };
}
export type MysqlSink = ReturnType<typeof createMysqlSink>;
