// Small helpers shared by the queries: row typing and DATETIME(3) → epoch ms.
import type { Pool, PoolConnection, RowDataPacket } from 'mysql2/promise';

export type Db = Pool | PoolConnection;

export async function rows<T>(db: Db, sql: string, params: unknown[]): Promise<T[]> {
  const [result] = await db.query<RowDataPacket[]>(sql, params);
  return result as T[];
}

export const ms = (d: Date) => d.getTime();
export const msOrNull = (d: Date | null) => (d ? d.getTime() : null);

/** JSON columns come back parsed from MariaDB only sometimes (it stores JSON as LONGTEXT): accept both. */
export function jsonColumn<T>(value: unknown): T {
  return (typeof value === 'string' ? JSON.parse(value) : value) as T;
}

/** Runs `work` in one transaction on its own connection: committed if it returns, rolled back if it throws. */
export async function inTransaction<T>(pool: Pool, work: (conn: PoolConnection) => Promise<T>): Promise<T> {
  const conn = await pool.getConnection();
  try {
    await conn.beginTransaction();
    const result = await work(conn);
    await conn.commit();
    return result;
  } catch (err) {
    await conn.rollback().catch(() => {});
    throw err;
  } finally {
    conn.release();
  }
}
