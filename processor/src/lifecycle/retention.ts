// Retention (GDPR Art. 5(1)(e)): deletes each tenant's sessions older than its policy's retentionDays, with all
// their alerts, snapshots and audit entries, a bounded batch of sessions at a time.
import { POLICY_DEFAULTS, RetentionDays } from '@proctor/contracts';
import { eraseSessionThumbnails, expireThumbnails, type ObjectStore } from '@proctor/contracts/objects';
import type { Pool, RowDataPacket } from 'mysql2/promise';
import { addCounts, type DeletedCounts, deleteSessions, emptyCounts } from './deleteSessions.ts';

/** Sessions per batch: one index range read, then deletes over ≤ this many ids. */
export const RETENTION_BATCH = 500;

const DAY_MS = 24 * 60 * 60 * 1000;

/** The expired-sessions read, exported so the EXPLAIN test checks exactly what runs (index sessions_by_tenant_started). */
export function expiredSessionsSql(tenantId: string, cutoff: Date, limit = RETENTION_BATCH) {
  return {
    sql: 'SELECT session_id FROM sessions WHERE tenant_id = ? AND started_at < ? ORDER BY started_at LIMIT ?',
    params: [tenantId, cutoff, limit] as unknown[],
  };
}

/** Tenants with sessions (a loose scan of the same index) and each one's retention from its tenant policy. */
async function tenantRetention(pool: Pool): Promise<Map<string, number>> {
  const [tenants] = await pool.query<RowDataPacket[]>('SELECT DISTINCT tenant_id FROM sessions');
  const [policies] = await pool.query<RowDataPacket[]>(
    "SELECT tenant_id, JSON_EXTRACT(policy, '$.retentionDays') AS days FROM policies WHERE exam_schedule_id = ''",
  );
  const days = new Map<string, number>();
  for (const t of tenants) days.set(String(t.tenant_id), POLICY_DEFAULTS.retentionDays);
  for (const p of policies) {
    const parsed = RetentionDays.safeParse(p.days === null ? undefined : Number(p.days));
    if (days.has(String(p.tenant_id)) && parsed.success) days.set(String(p.tenant_id), parsed.data);
  }
  return days;
}

/** One LIST (and its deletes) per session, 16 sessions at a time: a batch of 500 costs ~32 round trips deep. */
export async function eraseThumbnailsOf(objects: ObjectStore, tenantId: string, sessionIds: string[]) {
  let erased = 0;
  for (let i = 0; i < sessionIds.length; i += 16) {
    const group = sessionIds.slice(i, i + 16);
    for (const n of await Promise.all(group.map((id) => eraseSessionThumbnails(objects, tenantId, id)))) erased += n;
  }
  return erased;
}

export interface RetentionResult extends DeletedCounts {
  /** True when a tenant still had expired sessions after maxBatches: the next run continues. */
  more: boolean;
  /** Thumbnails deleted from object storage because they were older than the tenant's retention. */
  thumbnails: number;
}

/** One pass: at most maxBatches batches per tenant, so one tenant's backlog never starves the others. */
export async function runRetention(
  pool: Pool,
  now: number,
  maxBatches = 20,
  objects?: ObjectStore,
): Promise<RetentionResult> {
  const total = emptyCounts();
  let more = false;
  let thumbnails = 0;
  for (const [tenantId, days] of await tenantRetention(pool)) {
    // By the object's own age, not its session's: a thumbnail never outlives the tenant's limit, even when its
    // session row is gone already or was never written.
    if (objects) thumbnails += await expireThumbnails(objects, tenantId, days, now);
    const cutoff = new Date(now - days * DAY_MS);
    for (let batch = 0; ; batch++) {
      if (batch === maxBatches) {
        more = true;
        break;
      }
      const { sql, params } = expiredSessionsSql(tenantId, cutoff);
      const [rows] = await pool.query<RowDataPacket[]>(sql, params);
      const ids = rows.map((r) => String(r.session_id));
      // A session's thumbnails go with it, before its row: once the row is gone nothing leads back to them (a
      // tenant whose last session expired is not even listed by the next pass).
      if (objects) thumbnails += await eraseThumbnailsOf(objects, tenantId, ids);
      addCounts(total, await deleteSessions(pool, tenantId, ids));
      if (ids.length < RETENTION_BATCH) break;
    }
  }
  return { ...total, more, thumbnails };
}
