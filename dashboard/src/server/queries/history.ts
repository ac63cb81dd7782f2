// A session's history: risk snapshots over time and the audit log of what proctors did.
import type { RiskContribution, RiskSnapshot } from '@proctor/contracts';
import type { AuditEntry } from '../api/schemas.ts';
import { type Db, jsonColumn, ms, rows } from './sql.ts';

/** A 3-hour exam in 10-second buckets is 1,080 snapshots; the cap leaves room and bounds the response. */
const SNAPSHOTS_LIMIT = 5_000;
/** One page of a session's audit; older pages follow by keyset (`before`), so every row stays reachable. */
export const AUDIT_PAGE = 500;

export const riskSnapshotsSql = `SELECT session_id, tenant_id, bucket_start, score, contributions, created_at
  FROM risk_snapshots WHERE tenant_id = ? AND session_id = ? ORDER BY bucket_start LIMIT ${SNAPSHOTS_LIMIT}`;

export async function listRiskSnapshots(db: Db, tenantId: string, sessionId: string): Promise<RiskSnapshot[]> {
  const result = await rows<{
    session_id: string;
    tenant_id: string;
    bucket_start: Date;
    score: number;
    contributions: unknown;
    created_at: Date;
  }>(db, riskSnapshotsSql, [tenantId, sessionId]);
  return result.map((r) => ({
    tenantId: r.tenant_id,
    sessionId: r.session_id,
    bucketStart: ms(r.bucket_start),
    score: Number(r.score),
    contributions: jsonColumn<RiskContribution[]>(r.contributions),
    createdAt: ms(r.created_at),
  }));
}

/** Where a page of the audit ends: its last row's time (ms) and id, newest first. */
export interface AuditCursor {
  createdAt: number;
  id: number;
}

const CURSOR = /^(\d{1,15})\.(\d{1,19})$/;
const formatAuditCursor = (c: AuditCursor) => `${c.createdAt}.${c.id}`;
/** A `before` value as formatAuditCursor wrote it; anything else is undefined (the caller answers 400). */
export function parseAuditCursor(raw: string): AuditCursor | undefined {
  const m = CURSOR.exec(raw);
  return m ? { createdAt: Number(m[1]), id: Number(m[2]) } : undefined;
}

/** Newest first from just before the cursor: a range on audit_by_session (tenant, session, created_at, id). */
export const auditSql = `SELECT id, session_id, alert_id, actor, action, note, created_at FROM audit_log
  WHERE tenant_id = ? AND session_id = ? AND (created_at < ? OR (created_at = ? AND id < ?))
  ORDER BY created_at DESC, id DESC LIMIT ?`;

/** The newest page, or the page before `before`; `next` is the cursor of the page after it, null at the oldest. */
export async function listAudit(
  db: Db,
  tenantId: string,
  sessionId: string,
  before?: AuditCursor,
  limit = AUDIT_PAGE,
): Promise<{ entries: AuditEntry[]; next: string | null }> {
  // The first page starts after every row: the far future, and an id no row has.
  const from = before ?? { createdAt: 8_000_000_000_000, id: Number.MAX_SAFE_INTEGER };
  const at = new Date(from.createdAt);
  const result = await rows<{
    id: number;
    session_id: string;
    alert_id: string | null;
    actor: string;
    action: string;
    note: string | null;
    created_at: Date;
  }>(db, auditSql, [tenantId, sessionId, at, at, from.id, limit + 1]);
  const entries = result.slice(0, limit).map((r) => ({
    id: Number(r.id),
    sessionId: r.session_id,
    alertId: r.alert_id,
    actor: r.actor,
    action: r.action,
    note: r.note,
    createdAt: ms(r.created_at),
  }));
  const last = entries.at(-1);
  return { entries, next: result.length > limit && last ? formatAuditCursor(last) : null };
}
