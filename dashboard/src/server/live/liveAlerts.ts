// The alerts a change notice names, read by primary key and kept only if they belong to the schedule being watched.
import type { AlertRule, Severity } from '@proctor/contracts';
import type { Pool } from 'mysql2/promise';
import { ms, rows } from '../queries/sql.ts';

export interface LiveAlert {
  alertId: string;
  sessionId: string;
  userId: string;
  rule: AlertRule;
  severity: Severity;
  status: string;
  explanation: string;
  updatedAt: number;
}

/** Ids per statement: one notice burst of a venue-wide drop can name thousands. */
export const ALERTS_PER_READ = 500;

export const alertsByIdSql = `SELECT a.alert_id, a.session_id, s.user_id, a.rule, a.severity, a.status,
    a.explanation, a.updated_at
  FROM alerts a JOIN sessions s ON s.session_id = a.session_id AND s.tenant_id = a.tenant_id
  WHERE a.alert_id IN (?) AND a.tenant_id = ? AND s.exam_schedule_id = ?`;

interface AlertRow {
  alert_id: string;
  session_id: string;
  user_id: string;
  rule: AlertRule;
  severity: Severity;
  status: string;
  explanation: string;
  updated_at: Date;
}

export async function readLiveAlerts(
  db: Pool,
  tenantId: string,
  scheduleId: string,
  alertIds: readonly string[],
): Promise<LiveAlert[]> {
  const out: LiveAlert[] = [];
  for (let i = 0; i < alertIds.length; i += ALERTS_PER_READ) {
    const ids = alertIds.slice(i, i + ALERTS_PER_READ);
    for (const a of await rows<AlertRow>(db, alertsByIdSql, [ids, tenantId, scheduleId])) {
      out.push({
        alertId: a.alert_id,
        sessionId: a.session_id,
        userId: a.user_id,
        rule: a.rule,
        severity: a.severity,
        status: a.status,
        explanation: a.explanation,
        updatedAt: ms(a.updated_at),
      });
    }
  }
  return out;
}
