// Watches the alerts table for the cohort's alerts and measures event → alert latency: from the moment the batch
// carrying an alert's last evidence event was sent to the alert's created_at (the processor's clock; same host).
// An alert can be in MySQL before the edge's answer to that batch is back at the candidate (the answer comes after
// Kafka's ack; the processor may be faster): until then its last event's send time is unknown, and measuring from
// the events already known would count the older ones' age as latency. Such an alert waits for the answer.
import { MYSQL_UTC_OPTIONS, pinUtc, sleep } from '@proctor/contracts';
import mysql from 'mysql2/promise';
import type { CohortMetrics } from './metrics.ts';

interface AlertRow {
  alert_id: string;
  evidence: string | Array<{ eventId: string }>;
  created_ms: number;
}

type WatchedRow = AlertRow & { session_id: string; rule: string };

/** An alert whose evidence is still unanswered after this long is counted as unmeasured (a candidate gone mid-request). */
const UNANSWERED_AFTER_MS = 60_000;

/**
 * Milliseconds from the send of the batch that carried the alert's last evidence event to the alert's creation;
 * 'wait' while any evidence event's batch has no answer yet (its send time is not recorded until it has).
 */
export function alertLatency(
  createdMs: number,
  evidenceIds: readonly string[],
  sentAt: ReadonlyMap<string, number>,
): number | 'wait' {
  let last = Number.NEGATIVE_INFINITY;
  for (const id of evidenceIds) {
    const t = sentAt.get(id);
    if (t === undefined) return 'wait';
    last = Math.max(last, t);
  }
  return Math.max(0, createdMs - last);
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
  const pool = pinUtc(mysql.createPool({ uri: mysqlUrl, connectionLimit: 1, ...MYSQL_UTC_OPTIONS }));
  const seen = new Set<string>();
  const waiting = new Map<string, { row: WatchedRow; ids: string[]; firstSeen: number }>();
  let since = Date.now() - 5000;
  let stopped = false;

  async function poll(): Promise<void> {
    const [rows] = await pool.query(
      `SELECT alert_id, session_id, rule, evidence, FLOOR(UNIX_TIMESTAMP(created_at) * 1000) AS created_ms FROM alerts
       WHERE created_at >= FROM_UNIXTIME(?) ORDER BY created_at LIMIT 20000`,
      [(since - 2000) / 1000],
    );
    const ours = sessionIds();
    for (const row of rows as WatchedRow[]) {
      if (seen.has(row.alert_id) || !ours.has(row.session_id)) continue;
      seen.add(row.alert_id);
      metrics.alerts++;
      since = Math.max(since, Number(row.created_ms));
      const evidence = typeof row.evidence === 'string' ? JSON.parse(row.evidence) : row.evidence;
      const ids = (evidence as Array<{ eventId: string }>).map((e) => e.eventId);
      if (ids.length) waiting.set(row.alert_id, { row, ids, firstSeen: Date.now() });
    }
    for (const [alertId, w] of waiting) {
      const latency = alertLatency(Number(w.row.created_ms), w.ids, metrics.sentAt);
      if (latency === 'wait' && Date.now() - w.firstSeen < UNANSWERED_AFTER_MS) continue;
      waiting.delete(alertId);
      if (latency === 'wait') {
        metrics.alertsUnmeasured++;
        continue;
      }
      metrics.alertLatencies.push(latency);
      metrics.alertLatencyAt.push([Number(w.row.created_ms), latency]);
      metrics.latencyByRule.set(w.row.rule, [...(metrics.latencyByRule.get(w.row.rule) ?? []), latency]);
      if (latency > (metrics.slowestAlert?.ms ?? -1))
        metrics.slowestAlert = { ms: latency, rule: w.row.rule, sessionId: w.row.session_id };
    }
  }

  const loop = (async () => {
    while (!stopped) {
      await poll().catch(() => {}); // a busy or restarting database only delays the next read
      await sleep(intervalMs);
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
