// Watches the alerts table for the cohort's alerts and measures event → alert latency: from the moment the batch
// carrying an alert's last evidence event was sent to the alert's created_at (the processor's clock; same host).
import mysql from 'mysql2/promise';
import type { CohortMetrics } from './metrics.ts';

interface AlertRow {
  alert_id: string;
  evidence: string | Array<{ eventId: string }>;
  created_ms: number;
}

export interface AlertWatcher {
  /** Reads once more (at the end of a run) and stops. */
  stop(): Promise<void>;
}

/** Polls alerts newer than the last one seen; `sessionIds` limits it to the cohort's sessions. */
export function watchAlerts(
  mysqlUrl: string,
  metrics: CohortMetrics,
  sessionIds: () => ReadonlySet<string>,
  intervalMs = 500,
): AlertWatcher {
  const pool = mysql.createPool({ uri: mysqlUrl, connectionLimit: 1, timezone: 'Z' });
  const seen = new Set<string>();
  let since = Date.now() - 5000;
  let stopped = false;

  async function poll(): Promise<void> {
    const [rows] = await pool.query(
      `SELECT alert_id, session_id, rule, evidence, FLOOR(UNIX_TIMESTAMP(created_at) * 1000) AS created_ms FROM alerts
       WHERE created_at >= FROM_UNIXTIME(?) ORDER BY created_at LIMIT 20000`,
      [(since - 2000) / 1000],
    );
    const ours = sessionIds();
    for (const row of rows as Array<AlertRow & { session_id: string; rule: string }>) {
      if (seen.has(row.alert_id) || !ours.has(row.session_id)) continue;
      seen.add(row.alert_id);
      metrics.alerts++;
      since = Math.max(since, Number(row.created_ms));
      const evidence = typeof row.evidence === 'string' ? JSON.parse(row.evidence) : row.evidence;
      const sent = (evidence as Array<{ eventId: string }>)
        .map((e) => metrics.sentAt.get(e.eventId))
        .filter((t): t is number => t !== undefined);
      if (!sent.length) continue;
      const latency = Math.max(0, Number(row.created_ms) - Math.max(...sent));
      metrics.alertLatencies.push(latency);
      metrics.latencyByRule.set(row.rule, [...(metrics.latencyByRule.get(row.rule) ?? []), latency]);
      if (latency > (metrics.slowestAlert?.ms ?? -1))
        metrics.slowestAlert = { ms: latency, rule: row.rule, sessionId: row.session_id };
    }
  }

  const loop = (async () => {
    while (!stopped) {
      await poll().catch(() => {}); // a busy or restarting database only delays the next read
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  })();

  return {
    async stop() {
      stopped = true;
      await loop;
      await poll().catch(() => {});
      await pool.end();
    },
  };
}
