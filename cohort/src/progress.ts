// The one updating progress line and the closing summary of a cohort run (pure formatting).
import { type CohortMetrics, percentile } from './metrics.ts';

const ms = (v: number | undefined) =>
  v === undefined ? '–' : v < 1000 ? `${Math.round(v)} ms` : `${(v / 1000).toFixed(1)} s`;

export interface ProgressSample {
  at: number;
  delivered: number;
}

/** `live 180/200 · 23.4 events/s · alerts 17 · event→alert p50 640 ms p99 1.9 s · errors 0` */
export function progressLine(m: CohortMetrics, total: number, prev: ProgressSample, now: ProgressSample): string {
  const rate = (now.delivered - prev.delivered) / Math.max(0.001, (now.at - prev.at) / 1000);
  return [
    `live ${m.live}/${total}`,
    `${rate.toFixed(1)} events/s`,
    `alerts ${m.alerts}`,
    `event→alert p50 ${ms(percentile(m.alertLatencies, 50))} p99 ${ms(percentile(m.alertLatencies, 99))}`,
    `errors ${m.errorCount()}${m.status5xx ? ` (5xx ${m.status5xx})` : ''}`,
  ].join(' · ');
}

export function summary(m: CohortMetrics, total: number, elapsedMs: number): string {
  const failures = [...m.failures].map(([code, n]) => `${code} ${n}`).join(', ') || 'none';
  return [
    `cohort: ${total} candidates over ${(elapsedMs / 1000).toFixed(0)} s; ${m.ended} ended their session`,
    `  events: ${m.eventsGenerated} generated, ${m.eventsDelivered} delivered (durable at the edge)`,
    `  requests: ${m.requests} (${[...m.byPath].map(([p, n]) => `${p} ${n}`).join(', ')})`,
    `  simulated network drops: ${m.networkDrops} failed requests; page reloads: ${m.reloads}`,
    `  alerts: ${m.alerts}; event→alert p50 ${ms(percentile(m.alertLatencies, 50))}, p99 ${ms(percentile(m.alertLatencies, 99))} (${m.alertLatencies.length} measured${m.alertsUnmeasured ? `, ${m.alertsUnmeasured} whose evidence never got an answer` : ''})`,
    ...(m.slowestAlert
      ? [
          `  slowest alert: ${m.slowestAlert.rule} ${ms(m.slowestAlert.ms)} (session ${m.slowestAlert.sessionId.slice(0, 12)}…)`,
        ]
      : []),
    `  failures: ${failures}; 5xx: ${m.status5xx}`,
  ].join('\n');
}
