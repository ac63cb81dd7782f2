// Alerts of one session, and the review of one alert (status change + audit row in one transaction).
import type { Alert, AlertStatus, Evidence } from '@proctor/contracts';
import type { Pool } from 'mysql2/promise';
import type { AuditEntry, ReviewAction } from '../api/schemas.ts';
import { type Db, jsonColumn, ms, rows } from './sql.ts';

/** A session's alerts are capped: the processor raises at most one per rule per window bucket. */
const ALERTS_LIMIT = 500;

interface AlertRow {
  alert_id: string;
  tenant_id: string;
  session_id: string;
  rule: Alert['rule'];
  severity: Alert['severity'];
  window_start: Date;
  window_end: Date;
  evidence: unknown;
  confidence: number;
  explanation: string;
  status: AlertStatus;
  created_at: Date;
}

function toAlert(r: AlertRow): Alert {
  return {
    alertId: r.alert_id,
    tenantId: r.tenant_id,
    sessionId: r.session_id,
    rule: r.rule,
    severity: r.severity,
    windowStart: ms(r.window_start),
    windowEnd: ms(r.window_end),
    evidence: jsonColumn<Evidence[]>(r.evidence),
    confidence: Number(r.confidence),
    explanation: r.explanation,
    status: r.status,
    createdAt: ms(r.created_at),
  };
}

const ALERT_COLUMNS = `alert_id, tenant_id, session_id, rule, severity, window_start, window_end, evidence,
  confidence, explanation, status, created_at`;

export const sessionAlertsSql = `SELECT ${ALERT_COLUMNS} FROM alerts
  WHERE tenant_id = ? AND session_id = ? ORDER BY created_at, alert_id LIMIT ${ALERTS_LIMIT}`;

export async function listSessionAlerts(db: Db, tenantId: string, sessionId: string): Promise<Alert[]> {
  return (await rows<AlertRow>(db, sessionAlertsSql, [tenantId, sessionId])).map(toAlert);
}

const NEXT_STATUS: Record<ReviewAction, AlertStatus> = { acknowledge: 'acknowledged', dismiss: 'dismissed' };

export type ReviewOutcome =
  | { ok: true; status: AlertStatus; audit: AuditEntry; scheduleId: string }
  | { ok: false; code: 'NOT_FOUND' };

/**
 * Sets the alert's status and appends the audit row atomically: a status change without its "who, when, why"
 * must never be visible. The alert is locked first so that two proctors' reviews are serialised. A repeat that
 * changes nothing (the alert already has this status, and this proctor's row for this action exists) is answered
 * with that row and writes none: a double submit or a script cannot flood the session's audit.
 */
export async function reviewAlert(
  pool: Pool,
  input: { tenantId: string; alertId: string; actor: string; action: ReviewAction; note: string },
): Promise<ReviewOutcome> {
  const conn = await pool.getConnection();
  try {
    await conn.beginTransaction();
    const [alert] = await rows<{ session_id: string; status: AlertStatus }>(
      conn,
      'SELECT session_id, status FROM alerts WHERE alert_id = ? AND tenant_id = ? FOR UPDATE',
      [input.alertId, input.tenantId],
    );
    if (!alert) {
      await conn.rollback();
      return { ok: false, code: 'NOT_FOUND' };
    }
    const status = NEXT_STATUS[input.action];
    const repeated =
      alert.status === status ? await previousReview(conn, input.tenantId, alert.session_id, input) : undefined;
    const audit = repeated ?? (await appendReview(conn, input, status, alert.session_id));
    // A plain (non-locking) read: the processor keeps writing the session's row meanwhile.
    const [session] = await rows<{ exam_schedule_id: string }>(
      conn,
      'SELECT exam_schedule_id FROM sessions WHERE session_id = ? AND tenant_id = ?',
      [alert.session_id, input.tenantId],
    );
    await conn.commit();
    return { ok: true, status, audit, scheduleId: session?.exam_schedule_id ?? '' };
  } catch (err) {
    await conn.rollback().catch(() => {});
    throw err;
  } finally {
    conn.release();
  }
}

type Conn = Awaited<ReturnType<Pool['getConnection']>>;
type ReviewInput = Parameters<typeof reviewAlert>[1];

/** This proctor's newest row of this action on this alert, if any. */
async function previousReview(
  conn: Conn,
  tenantId: string,
  sessionId: string,
  input: ReviewInput,
): Promise<AuditEntry | undefined> {
  const [row] = await rows<{ id: number; note: string | null; created_at: Date }>(
    conn,
    `SELECT id, note, created_at FROM audit_log WHERE tenant_id = ? AND session_id = ? AND alert_id = ? AND actor = ?
       AND action = ? ORDER BY id DESC LIMIT 1`,
    [tenantId, sessionId, input.alertId, input.actor, input.action],
  );
  if (!row) return undefined;
  return {
    id: Number(row.id),
    sessionId,
    alertId: input.alertId,
    actor: input.actor,
    action: input.action,
    note: row.note,
    createdAt: ms(row.created_at),
  };
}

/** Sets the status and appends the audit row (inside the caller's transaction). */
async function appendReview(
  conn: Conn,
  input: ReviewInput,
  status: AlertStatus,
  sessionId: string,
): Promise<AuditEntry> {
  await conn.query('UPDATE alerts SET status = ? WHERE alert_id = ? AND tenant_id = ?', [
    status,
    input.alertId,
    input.tenantId,
  ]);
  const [inserted] = await conn.query(
    'INSERT INTO audit_log (tenant_id, session_id, alert_id, actor, action, note) VALUES (?, ?, ?, ?, ?, ?)',
    [input.tenantId, sessionId, input.alertId, input.actor, input.action, input.note || null],
  );
  const id = (inserted as { insertId: number }).insertId;
  const [row] = await rows<{ created_at: Date }>(conn, 'SELECT created_at FROM audit_log WHERE id = ?', [id]);
  return {
    id,
    sessionId,
    alertId: input.alertId,
    actor: input.actor,
    action: input.action,
    note: input.note || null,
    createdAt: row ? ms(row.created_at) : Date.now(),
  };
}
