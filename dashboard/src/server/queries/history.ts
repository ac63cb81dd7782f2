// A session's history: risk snapshots over time and the audit log of what proctors did.
import type { RiskContribution, RiskSnapshot } from '@proctor/contracts';
import type { AuditEntry } from '../api/schemas.ts';
import { type Db, jsonColumn, ms, rows } from './sql.ts';

/** A 3-hour exam in 10-second buckets is 1,080 snapshots; the cap leaves room and bounds the response. */
const SNAPSHOTS_LIMIT = 5_000;
const AUDIT_LIMIT = 500;

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

export const auditSql = `SELECT id, session_id, alert_id, actor, action, note, created_at FROM audit_log
  WHERE tenant_id = ? AND session_id = ? ORDER BY created_at DESC, id DESC LIMIT ${AUDIT_LIMIT}`;

export async function listAudit(db: Db, tenantId: string, sessionId: string): Promise<AuditEntry[]> {
  const result = await rows<{
    id: number;
    session_id: string;
    alert_id: string | null;
    actor: string;
    action: string;
    note: string | null;
    created_at: Date;
  }>(db, auditSql, [tenantId, sessionId]);
  return result.map((r) => ({
    id: Number(r.id),
    sessionId: r.session_id,
    alertId: r.alert_id,
    actor: r.actor,
    action: r.action,
    note: r.note,
    createdAt: ms(r.created_at),
  }));
}
