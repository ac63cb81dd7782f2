// Sessions of one tenant: the risk-ranked list of a schedule, and one session by id (always tenant-scoped).
import type { AlertRule, ResolvedAccommodation, SessionStatus } from '@proctor/contracts';
import type { RankedSession, SessionFilter } from '../api/schemas.ts';
import { type Db, jsonColumn, ms, msOrNull, rows } from './sql.ts';

/** The ranked list is capped: a proctor triages the riskiest first, and the cap keeps the poll cheap. */
export const RANKED_LIMIT = 200;

interface SessionRow {
  session_id: string;
  exam_schedule_id: string;
  user_id: string;
  attempt_no: number;
  status: SessionStatus;
  risk_score: number;
  open_alerts: number;
  total_alerts: number;
  rules: string | null;
  started_at: Date;
  ended_at: Date | null;
  last_seen_at: Date | null;
  exam_config?: unknown;
  accommodation?: unknown;
}

// Per-session alert counts are dependent subqueries on alerts_by_session (tenant_id, session_id, …):
// one short index range per listed session, never a scan of the tenant's alerts.
const COLUMNS = `s.session_id, s.exam_schedule_id, s.user_id, s.attempt_no, s.status, s.risk_score,
  s.started_at, s.ended_at, s.last_seen_at,
  (SELECT COUNT(*) FROM alerts a WHERE a.tenant_id = s.tenant_id AND a.session_id = s.session_id
      AND a.status = 'open') AS open_alerts,
  (SELECT COUNT(*) FROM alerts a WHERE a.tenant_id = s.tenant_id AND a.session_id = s.session_id) AS total_alerts,
  (SELECT GROUP_CONCAT(DISTINCT a.rule ORDER BY a.rule) FROM alerts a
    WHERE a.tenant_id = s.tenant_id AND a.session_id = s.session_id AND a.status = 'open') AS rules`;

export type SessionBase = Omit<RankedSession, 'presence'>;

function toSession(r: SessionRow): SessionBase {
  return {
    sessionId: r.session_id,
    examScheduleId: r.exam_schedule_id,
    userId: r.user_id,
    attemptNo: r.attempt_no,
    status: r.status,
    riskScore: Number(r.risk_score),
    openAlerts: Number(r.open_alerts),
    totalAlerts: Number(r.total_alerts),
    rules: r.rules ? (r.rules.split(',') as AlertRule[]) : [],
    startedAt: ms(r.started_at),
    endedAt: msOrNull(r.ended_at),
    lastSeenAt: msOrNull(r.last_seen_at),
  };
}

/** The ranked-list SQL and its parameters, exported so the EXPLAIN test checks exactly what runs. */
export function rankedSessionsSql(tenantId: string, scheduleId: string, filter: SessionFilter) {
  const where = ['s.tenant_id = ?', 's.exam_schedule_id = ?'];
  const params: unknown[] = [tenantId, scheduleId];
  if (filter.status === 'active' || filter.status === 'ended') {
    where.push('s.status = ?');
    params.push(filter.status);
  }
  if (filter.status === 'flagged') {
    where.push(
      `EXISTS (SELECT 1 FROM alerts f WHERE f.tenant_id = s.tenant_id AND f.session_id = s.session_id AND f.status = 'open')`,
    );
  }
  if (filter.rule) {
    where.push(
      'EXISTS (SELECT 1 FROM alerts r WHERE r.tenant_id = s.tenant_id AND r.session_id = s.session_id AND r.rule = ?)',
    );
    params.push(filter.rule);
  }
  // Ordered by sessions_by_schedule_risk (tenant_id, exam_schedule_id, risk_score) read backwards.
  const sql = `SELECT ${COLUMNS} FROM sessions s WHERE ${where.join(' AND ')}
    ORDER BY s.risk_score DESC, s.session_id DESC LIMIT ${RANKED_LIMIT}`;
  return { sql, params };
}

export async function listRankedSessions(
  db: Db,
  tenantId: string,
  scheduleId: string,
  filter: SessionFilter,
): Promise<SessionBase[]> {
  const { sql, params } = rankedSessionsSql(tenantId, scheduleId, filter);
  return (await rows<SessionRow>(db, sql, params)).map(toSession);
}

// Covered by sessions_by_schedule_status (tenant_id, exam_schedule_id, status): an index range, never the rows.
export const scheduleSessionCountsSql = `SELECT status, COUNT(*) AS n FROM sessions
  WHERE tenant_id = ? AND exam_schedule_id = ? GROUP BY status`;

/** How many sessions a schedule has, so a page that lists the top RANKED_LIMIT can say how many it left out. */
export async function countScheduleSessions(
  db: Db,
  tenantId: string,
  scheduleId: string,
): Promise<{ total: number; active: number }> {
  const counts = await rows<{ status: SessionStatus; n: number }>(db, scheduleSessionCountsSql, [tenantId, scheduleId]);
  const total = counts.reduce((a, c) => a + Number(c.n), 0);
  return { total, active: Number(counts.find((c) => c.status === 'active')?.n ?? 0) };
}

/** Does this tenant have any session in the schedule? Another tenant's schedule is indistinguishable from none. */
export const scheduleExistsSql = 'SELECT 1 FROM sessions WHERE tenant_id = ? AND exam_schedule_id = ? LIMIT 1';

export async function scheduleExists(db: Db, tenantId: string, scheduleId: string): Promise<boolean> {
  return (await rows(db, scheduleExistsSql, [tenantId, scheduleId])).length > 0;
}

export const sessionByIdSql = `SELECT ${COLUMNS}, s.exam_config, s.accommodation FROM sessions s WHERE s.session_id = ? AND s.tenant_id = ?`;

export async function getSession(
  db: Db,
  tenantId: string,
  sessionId: string,
): Promise<
  (SessionBase & { examConfig: Record<string, unknown>; accommodation: ResolvedAccommodation | null }) | null
> {
  const [row] = await rows<SessionRow>(db, sessionByIdSql, [sessionId, tenantId]);
  if (!row) return null;
  return {
    ...toSession(row),
    examConfig: jsonColumn<Record<string, unknown>>(row.exam_config),
    // Written by the processor from session_started (migration 222); null when no accommodation applies.
    accommodation: row.accommodation ? jsonColumn<ResolvedAccommodation>(row.accommodation) : null,
  };
}

/** Primary-key check that a session is this tenant's, before any of its history is read. */
export const sessionBelongsSql = 'SELECT 1 FROM sessions WHERE session_id = ? AND tenant_id = ?';

export async function sessionBelongsTo(db: Db, tenantId: string, sessionId: string): Promise<boolean> {
  return (await rows(db, sessionBelongsSql, [sessionId, tenantId])).length > 0;
}
