// Deletes a set of sessions with everything that hangs off them, in bounded statements that each use an index.
import type { Pool, ResultSetHeader } from 'mysql2/promise';

/** Rows one DELETE may remove: short statements keep locks and the undo log small on a busy database. */
const DELETE_CHUNK = 5000;

/** Each child table is reached through its (tenant_id, session_id, …) key. Children go first, the session last. */
export const SESSION_CHILD_TABLES = ['alerts', 'risk_snapshots', 'audit_log'] as const;

export interface DeletedCounts {
  sessions: number;
  alerts: number;
  risk_snapshots: number;
  audit_log: number;
}

export const emptyCounts = (): DeletedCounts => ({ sessions: 0, alerts: 0, risk_snapshots: 0, audit_log: 0 });

/** The child DELETE, exported so the EXPLAIN test checks exactly what runs. */
export function childDeleteSql(table: (typeof SESSION_CHILD_TABLES)[number], tenantId: string, sessionIds: string[]) {
  return {
    sql: `DELETE FROM ${table} WHERE tenant_id = ? AND session_id IN (?) LIMIT ${DELETE_CHUNK}`,
    params: [tenantId, sessionIds] as unknown[],
  };
}

/**
 * Removes the sessions and their alerts, snapshots and audit entries. A crash between statements leaves a session
 * with fewer children, never a child without its session being found again: the next run picks the session up.
 */
export async function deleteSessions(pool: Pool, tenantId: string, sessionIds: string[]): Promise<DeletedCounts> {
  const counts = emptyCounts();
  if (!sessionIds.length) return counts;
  for (const table of SESSION_CHILD_TABLES) {
    const { sql, params } = childDeleteSql(table, tenantId, sessionIds);
    for (;;) {
      const [res] = await pool.query<ResultSetHeader>(sql, params);
      counts[table] += res.affectedRows;
      if (res.affectedRows < DELETE_CHUNK) break;
    }
  }
  const [res] = await pool.query<ResultSetHeader>('DELETE FROM sessions WHERE tenant_id = ? AND session_id IN (?)', [
    tenantId,
    sessionIds,
  ]);
  counts.sessions = res.affectedRows;
  return counts;
}

export function addCounts<T extends DeletedCounts>(into: T, more: DeletedCounts): T {
  for (const k of Object.keys(more) as (keyof DeletedCounts)[]) into[k] += more[k];
  return into;
}
