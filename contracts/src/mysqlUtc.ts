// Every MySQL session of ours runs on UTC: DATETIME(3) columns hold UTC wall-clock time, and the ones that default
// to CURRENT_TIMESTAMP(3) (alerts.updated_at, audit_log.created_at, …) are stamped in the session's zone, which is
// the server's global zone unless the session says otherwise.

/** mysql2's own conversion of JS Dates to and from DATETIME: as UTC, never the Node process's zone. */
export const MYSQL_UTC_OPTIONS = { timezone: 'Z' } as const;

/** The session zone; run first on every connection (pinUtc does it for a pool's). */
export const UTC_SESSION_SQL = "SET time_zone = '+00:00'";

/** A mysql2 pool connection, seen only as far as pinUtc needs it. */
interface UtcConnection {
  query(sql: string, cb: (err: unknown) => void): unknown;
  destroy(): void;
}

/** A mysql2/promise pool, seen only as far as its callback pool's new-connection event. */
interface PoolLike {
  pool: { on(event: 'connection', listener: (conn: UtcConnection) => void): unknown };
}

/**
 * Pins every connection the pool opens to UTC. mysql2 runs one connection's commands in order, so the SET is done
 * before the first statement a caller sends on it. A connection whose SET failed would stamp the server's zone:
 * it is destroyed, so its caller's statement fails (and is retried) instead.
 */
export function pinUtc<P extends PoolLike>(pool: P): P {
  pool.pool.on('connection', (conn) => {
    conn.query(UTC_SESSION_SQL, (err) => {
      if (err) conn.destroy();
    });
  });
  return pool;
}
