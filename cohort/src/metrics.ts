// Counters a cohort run keeps: candidates live, requests and failures by kind, what was delivered when (for the
// event → alert latency), and the latencies the alert watcher measured.
import type { ApiResult } from '@proctor/client/transport';

export function createMetrics() {
  return {
    /** Candidates that joined and have not left (some may still be waiting for their first sessions/start). */
    live: 0,
    /** Of those, the ones whose session the edge started (a 201 to sessions/start): live in the dashboard's sense. */
    sessionsLive: 0,
    ended: 0,
    reloads: 0,
    eventsGenerated: 0,
    eventsDelivered: 0,
    requests: 0,
    byPath: new Map<string, number>(),
    /** 5xx answers from the edge (the transport retries them; a load test counts each as a failure). */
    status5xx: 0,
    /** Failed answers by HTTP status (503 is the edge's upstream timeout on Redis or Kafka). */
    byStatus: new Map<number, number>(),
    /** Failures other than simulated network drops, by error code (429s included: they are retried). */
    failures: new Map<string, number>(),
    /** 5xx answers by route and status (`/events/batch 503`): which route an internal error came from. */
    serverErrorsByRoute: new Map<string, number>(),
    networkDrops: 0,
    /** eventId → when the batch that made it durable was sent. */
    sentAt: new Map<string, number>(),
    alerts: 0,
    /** Alerts whose evidence batches never got an answer within a minute (so no latency could be measured). */
    alertsUnmeasured: 0,
    /** Milliseconds from the batch carrying an alert's last evidence event to the alert's created_at. */
    alertLatencies: [] as number[],
    /** [the alert's created_at in ms, its latency]: when in the run each latency was measured (for timelines). */
    alertLatencyAt: [] as Array<[number, number]>,
    /** The same latencies by alert rule. */
    latencyByRule: new Map<string, number[]>(),
    slowestAlert: undefined as { ms: number; rule: string; sessionId: string } | undefined,
    response(path: string, res: ApiResult<unknown>) {
      this.requests++;
      this.byPath.set(path, (this.byPath.get(path) ?? 0) + 1);
      if (res.ok) return;
      if (res.error.kind === 'network') {
        this.networkDrops++;
        return;
      }
      if ((res.error.status ?? 0) >= 500) {
        this.status5xx++;
        const at = `${path} ${res.error.status}`;
        this.serverErrorsByRoute.set(at, (this.serverErrorsByRoute.get(at) ?? 0) + 1);
      }
      if (res.error.status) this.byStatus.set(res.error.status, (this.byStatus.get(res.error.status) ?? 0) + 1);
      const key = res.error.code ?? `HTTP_${res.error.status ?? res.error.kind}`;
      this.failures.set(key, (this.failures.get(key) ?? 0) + 1);
    },
    delivered(eventId: string, sentAt: number) {
      this.eventsDelivered++;
      this.sentAt.set(eventId, sentAt);
    },
    errorCount(): number {
      let n = 0;
      for (const [code, count] of this.failures) if (code !== 'RATE_LIMITED' && code !== 'TOKEN_EXPIRED') n += count;
      return n;
    },
  };
}
export type CohortMetrics = ReturnType<typeof createMetrics>;

/** The p-th percentile (0–100) by nearest rank; undefined for no samples. */
export function percentile(samples: readonly number[], p: number): number | undefined {
  if (samples.length === 0) return undefined;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}
