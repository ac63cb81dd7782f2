// Policies in MySQL (the dashboard is their one writer): read, save with optimistic versioning and an audit row in
// the same transaction, the policy audit list, and erasure requests with their tombstone.
import type { Policy } from '@proctor/contracts';
import type { Pool, ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import { type Db, inTransaction, jsonColumn, ms } from '../queries/sql.ts';

export interface StoredPolicy {
  version: number;
  policy: Policy;
  updatedBy: string;
  updatedAt: number;
}

/** '' names the tenant's own policy (see migration 220). */
export const TENANT_LAYER = '';

export async function getPolicy(db: Db, tenantId: string, scheduleId = TENANT_LAYER): Promise<StoredPolicy | null> {
  const [rows] = await db.query<RowDataPacket[]>(
    'SELECT version, policy, updated_by, updated_at FROM policies WHERE tenant_id = ? AND exam_schedule_id = ?',
    [tenantId, scheduleId],
  );
  const r = rows[0];
  if (!r) return null;
  return {
    version: Number(r.version),
    policy: jsonColumn<Policy>(r.policy),
    updatedBy: String(r.updated_by),
    updatedAt: ms(r.updated_at),
  };
}

/** Every schedule policy of the tenant (the tenant's own layer excepted), by schedule id. */
export async function listSchedulePolicies(
  db: Db,
  tenantId: string,
): Promise<{ scheduleId: string; version: number; policy: Policy }[]> {
  const [rows] = await db.query<RowDataPacket[]>(
    'SELECT exam_schedule_id, version, policy FROM policies WHERE tenant_id = ? AND exam_schedule_id <> ?',
    [tenantId, TENANT_LAYER],
  );
  return rows.map((r) => ({
    scheduleId: String(r.exam_schedule_id),
    version: Number(r.version),
    policy: jsonColumn<Policy>(r.policy),
  }));
}

export type SaveOutcome = { ok: true; version: number } | { ok: false; currentVersion: number };

/**
 * Saves when `expectedVersion` is the stored one (0: none yet), so two admins editing at once cannot silently
 * overwrite each other. The audit row (who, when, before, after) commits with the change or not at all.
 */
export async function savePolicy(
  db: Pool,
  input: { tenantId: string; scheduleId: string; policy: Policy; expectedVersion: number; actor: string },
): Promise<SaveOutcome> {
  return inTransaction(db, async (conn): Promise<SaveOutcome> => {
    const [rows] = await conn.query<RowDataPacket[]>(
      'SELECT version, policy FROM policies WHERE tenant_id = ? AND exam_schedule_id = ? FOR UPDATE',
      [input.tenantId, input.scheduleId],
    );
    const current = rows[0] ? Number(rows[0].version) : 0;
    // Nothing written yet: returning commits an empty transaction, which releases the row lock.
    if (current !== input.expectedVersion) return { ok: false, currentVersion: current };
    const version = current + 1;
    const after = JSON.stringify(input.policy);
    await conn.query(
      `INSERT INTO policies (tenant_id, exam_schedule_id, version, policy, updated_by) VALUES (?, ?, ?, ?, ?)
       ON DUPLICATE KEY UPDATE version = VALUES(version), policy = VALUES(policy), updated_by = VALUES(updated_by)`,
      [input.tenantId, input.scheduleId, version, after, input.actor],
    );
    const before = rows[0] ? JSON.stringify(jsonColumn(rows[0].policy)) : null;
    await conn.query(
      `INSERT INTO policy_audit (tenant_id, exam_schedule_id, actor, action, version, before_value, after_value)
       VALUES (?, ?, ?, 'policy_saved', ?, ?, ?)`,
      [input.tenantId, input.scheduleId, input.actor, version, before, after],
    );
    return { ok: true, version };
  });
}

export interface PolicyAuditEntry {
  id: number;
  examScheduleId: string | null;
  actor: string;
  action: string;
  version: number | null;
  before: unknown;
  after: unknown;
  createdAt: number;
}

/** Newest first, through policy_audit_by_tenant. */
export async function listPolicyAudit(db: Db, tenantId: string, limit = 200): Promise<PolicyAuditEntry[]> {
  const [rows] = await db.query<RowDataPacket[]>(
    `SELECT id, exam_schedule_id, actor, action, version, before_value, after_value, created_at FROM policy_audit
     WHERE tenant_id = ? ORDER BY created_at DESC, id DESC LIMIT ?`,
    [tenantId, limit],
  );
  return rows.map((r) => ({
    id: Number(r.id),
    examScheduleId: r.exam_schedule_id ? String(r.exam_schedule_id) : null,
    actor: String(r.actor),
    action: String(r.action),
    version: r.version === null ? null : Number(r.version),
    before: r.before_value === null ? null : jsonColumn(r.before_value),
    after: r.after_value === null ? null : jsonColumn(r.after_value),
    createdAt: ms(r.created_at),
  }));
}

/**
 * Records the request for the processor's lifecycle job, which deletes the rows (it writes them; see
 * docs/decisions.md). The audit row is the tombstone: who, when, which request, never the candidate's id.
 */
export async function requestErasure(db: Pool, tenantId: string, userId: string, actor: string): Promise<number> {
  return inTransaction(db, async (conn) => {
    const [res] = await conn.query<ResultSetHeader>(
      'INSERT INTO erasure_requests (tenant_id, user_id, requested_by) VALUES (?, ?, ?)',
      [tenantId, userId, actor],
    );
    await conn.query(
      `INSERT INTO policy_audit (tenant_id, actor, action, after_value) VALUES (?, ?, 'erasure_requested', ?)`,
      [tenantId, actor, JSON.stringify({ requestId: res.insertId })],
    );
    return res.insertId;
  });
}

export interface ErasureStatus {
  requestId: number;
  requestedBy: string;
  requestedAt: number;
  completedAt: number | null;
  counts: unknown;
}

export async function listErasures(db: Db, tenantId: string, limit = 50): Promise<ErasureStatus[]> {
  const [rows] = await db.query<RowDataPacket[]>(
    `SELECT id, requested_by, requested_at, completed_at, counts FROM erasure_requests WHERE tenant_id = ?
     ORDER BY id DESC LIMIT ?`,
    [tenantId, limit],
  );
  return rows.map((r) => ({
    requestId: Number(r.id),
    requestedBy: String(r.requested_by),
    requestedAt: ms(r.requested_at),
    completedAt: r.completed_at ? ms(r.completed_at) : null,
    counts: r.counts === null ? null : jsonColumn(r.counts),
  }));
}
