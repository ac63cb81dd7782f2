// Exam overview: each schedule of one tenant with live counts, from two index-only range scans.
import type { ScheduleSummary } from '../api/schemas.ts';
import { type Db, rows } from './sql.ts';

// Covered by sessions_by_schedule_status (tenant_id, exam_schedule_id, status).
export const scheduleCountsSql = `SELECT exam_schedule_id, status, COUNT(*) AS n FROM sessions
  WHERE tenant_id = ? GROUP BY exam_schedule_id, status`;

// alerts_by_status (tenant_id, status, created_at) narrows to open alerts; sessions joined by primary key.
export const scheduleFlaggedSql = `SELECT s.exam_schedule_id, COUNT(DISTINCT a.session_id) AS flagged, COUNT(*) AS open_alerts
  FROM alerts a JOIN sessions s ON s.session_id = a.session_id AND s.tenant_id = a.tenant_id
  WHERE a.tenant_id = ? AND a.status = 'open'
  GROUP BY s.exam_schedule_id`;

export async function listSchedules(db: Db, tenantId: string): Promise<ScheduleSummary[]> {
  const [counts, flagged] = await Promise.all([
    rows<{ exam_schedule_id: string; status: string; n: number }>(db, scheduleCountsSql, [tenantId]),
    rows<{ exam_schedule_id: string; flagged: number; open_alerts: number }>(db, scheduleFlaggedSql, [tenantId]),
  ]);
  const byId = new Map<string, ScheduleSummary>();
  const get = (id: string) => {
    let s = byId.get(id);
    if (!s) {
      s = { examScheduleId: id, active: 0, ended: 0, flagged: 0, openAlerts: 0 };
      byId.set(id, s);
    }
    return s;
  };
  for (const c of counts) {
    const s = get(c.exam_schedule_id);
    if (c.status === 'active') s.active += Number(c.n);
    else s.ended += Number(c.n);
  }
  for (const f of flagged) {
    const s = get(f.exam_schedule_id);
    s.flagged = Number(f.flagged);
    s.openAlerts = Number(f.open_alerts);
  }
  return [...byId.values()].sort(
    (a, b) => b.active - a.active || b.flagged - a.flagged || a.examScheduleId.localeCompare(b.examScheduleId),
  );
}
