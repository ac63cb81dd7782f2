// Percentiles and the progress line the user reads.
import { describe, expect, it } from 'vitest';
import { createMetrics, percentile } from './metrics.ts';
import { progressLine, summary } from './progress.ts';

describe('percentile', () => {
  it('is the nearest rank', () => {
    const s = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(s, 50)).toBe(50);
    expect(percentile(s, 99)).toBe(99);
    expect(percentile([5], 99)).toBe(5);
    expect(percentile([], 50)).toBeUndefined();
  });
});

describe('progressLine', () => {
  it('shows live candidates, the event rate, alerts, latency and errors', () => {
    const m = createMetrics();
    m.live = 180;
    m.alerts = 3;
    m.alertLatencies.push(400, 600, 2500);
    m.response('/events/batch', {
      ok: false,
      error: { kind: 'retry', status: 503, code: 'UPSTREAM_UNAVAILABLE', message: 'x' },
    });
    m.response('/events/batch', { ok: false, error: { kind: 'network', message: 'down' } });
    const line = progressLine(m, 200, { at: 0, delivered: 0 }, { at: 2000, delivered: 50 });
    expect(line).toBe('live 180/200 · 25.0 events/s · alerts 3 · event→alert p50 600 ms p99 2.5 s · errors 1 (5xx 1)');
    expect(summary(m, 200, 60_000)).toContain('UPSTREAM_UNAVAILABLE 1');
  });
});
