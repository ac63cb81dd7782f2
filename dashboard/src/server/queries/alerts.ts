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

export type ReviewOutcome = { ok: true; status: AlertStatus; audit: AuditEntry } | { ok: false; code: 'NOT_FOUND' };

/**
 * Sets the alert's status and appends the audit row atomically: a status change without its "who, when, why"
 * must never be visible. The alert is locked first so that two proctors' reviews are serialised.
 */
export async function reviewAlert(
  pool: Pool,
  input: { tenantId: string; alertId: string; actor: string; action: ReviewAction; note: string },
): Promise<ReviewOutcome> {
  const conn = await pool.getConnection();
  try {
    await conn.beginTransaction();
    const [alert] = await rows<{ session_id: string }>(
      conn,
      'SELECT session_id FROM alerts WHERE alert_id = ? AND tenant_id = ? FOR UPDATE',
      [input.alertId, input.tenantId],
    );
    if (!alert) {
      await conn.rollback();
      return { ok: false, code: 'NOT_FOUND' };
    }
    const status = NEXT_STATUS[input.action];
    await conn.query('UPDATE alerts SET status = ? WHERE alert_id = ? AND tenant_id = ?', [
      status,
      input.alertId,
      input.tenantId,
    ]);
    const [inserted] = await conn.query(
      'INSERT INTO audit_log (tenant_id, session_id, alert_id, actor, action, note) VALUES (?, ?, ?, ?, ?, ?)',
      [input.tenantId, alert.session_id, input.alertId, input.actor, input.action, input.note || null],
    );
    const id = (inserted as { insertId: number }).insertId;
    const [row] = await rows<{ created_at: Date }>(conn, 'SELECT created_at FROM audit_log WHERE id = ?', [id]);
    await conn.commit();
    return {
      ok: true,
      status,
      audit: {
        id,
        sessionId: alert.session_id,
        alertId: input.alertId,
        actor: input.actor,
        action: input.action,
        note: input.note || null,
        createdAt: row ? ms(row.created_at) : Date.now(),
      },
    };
  } catch (err) {
    await conn.rollback().catch(() => {});
    throw err;
  } finally {
    conn.release();
  }
}
