// A second-by-second timeline of a cohort run (BENCH_COHORT_TIMELINE=1): what each stage was doing while alerts were
// late. Per second: requests and 5xx the generator saw, its own event-loop delay, CPU by process, the processor's
// consumer lag (edge receivedAt → applied) and the wall time its chunks and side-effect steps took, and the alerts
// created in that second with their worst event → alert latency. A stall shows as the stage whose time grows first.

import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { CohortMetrics } from '@proctor/cohort';

export interface Sample {
  at: number;
  requests: number;
  fivexx: number;
  loopMaxMs: number;
  cores: Record<string, number>;
  lagMs: number;
  chunks: number;
  chunkMs: number;
  stepMs: Record<string, number>;
}

/** Sums of a Prometheus text exposition's series named `name`, by the value of `label` ('' when unlabelled). */
export function sums(text: string, name: string, label?: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const m of text.matchAll(new RegExp(`^${name}(?:\\{([^}]*)\\})? ([0-9.e+-]+)$`, 'gm'))) {
    const key = label ? (new RegExp(`${label}="([^"]*)"`).exec(m[1] ?? '')?.[1] ?? '') : '';
    out.set(key, (out.get(key) ?? 0) + Number(m[2]));
  }
  return out;
}

export function startTimeline(opts: {
  metrics: CohortMetrics;
  processorMetricsUrl: string;
  /** Returns CPU-ms per process since its last call. */
  cpu: () => Record<string, number>;
}): { render(from?: number, to?: number): string; stop(): void } {
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const samples: Sample[] = [];
  let last = { requests: opts.metrics.requests, fivexx: opts.metrics.status5xx, at: Date.now() };
  let lastProc: { chunks: number; chunkMs: number; steps: Map<string, number> } | undefined;
  let busy = false;
  const timer = setInterval(async () => {
    if (busy) return;
    busy = true;
    try {
      const text = await (await fetch(opts.processorMetricsUrl)).text();
      const now = Date.now();
      const chunks = sums(text, 'processor_chunk_duration_ms_count').get('') ?? 0;
      const chunkMs = sums(text, 'processor_chunk_duration_ms_sum').get('') ?? 0;
      const steps = sums(text, 'processor_step_duration_ms_sum', 'step');
      const lag = Math.max(0, ...sums(text, 'processor_consumer_lag_ms', 'partition').values());
      const wall = now - last.at;
      const cpu = opts.cpu();
      if (lastProc)
        samples.push({
          at: now,
          requests: opts.metrics.requests - last.requests,
          fivexx: opts.metrics.status5xx - last.fivexx,
          loopMaxMs: loop.max / 1e6,
          cores: Object.fromEntries(Object.entries(cpu).map(([k, v]) => [k, v / wall])),
          lagMs: lag,
          chunks: chunks - lastProc.chunks,
          chunkMs: chunkMs - lastProc.chunkMs,
          stepMs: Object.fromEntries([...steps].map(([k, v]) => [k, v - (lastProc!.steps.get(k) ?? 0)])),
        });
      loop.reset();
      last = { requests: opts.metrics.requests, fivexx: opts.metrics.status5xx, at: now };
      lastProc = { chunks, chunkMs, steps };
    } catch {
      // the processor restarting or gone: a gap in the timeline
    } finally {
      busy = false;
    }
  }, 1000);

  return {
    render(from, to) {
      return renderTimeline(samples, opts.metrics.alertLatencyAt, from, to);
    },
    stop() {
      clearInterval(timer);
      loop.disable();
    },
  };
}

/**
 * The samples between `from` and `to` (epoch ms; default all), one line a second, each with the alerts created in
 * that second and their worst latency. Seconds count from the first sample's start.
 */
export function renderTimeline(
  samples: readonly Sample[],
  alertLatencyAt: ReadonlyArray<readonly [number, number]>,
  from = Number.NEGATIVE_INFINITY,
  to = Number.POSITIVE_INFINITY,
): string {
  const t0 = (samples[0]?.at ?? 0) - 1000; // each sample covers the second before it
  const worst = new Map<number, { n: number; max: number }>();
  for (const [createdMs, latency] of alertLatencyAt) {
    const s = Math.ceil((createdMs - t0) / 1000);
    const w = worst.get(s) ?? { n: 0, max: 0 };
    worst.set(s, { n: w.n + 1, max: Math.max(w.max, latency) });
  }
  const f = (n: number, d = 0) => n.toFixed(d);
  const lines = ['  s  req/s  5xx  loop ms  lag ms  chunks  chunk ms  steps ms  alerts (max ms)  cores'];
  for (const s of samples) {
    if (s.at <= from || s.at - 1000 >= to) continue; // the second before the sample is outside the window
    const k = Math.round((s.at - t0) / 1000);
    const a = worst.get(k);
    const steps = Object.entries(s.stepMs)
      .filter(([, v]) => v >= 1)
      .map(([name, v]) => `${name} ${f(v)}`)
      .join(' ');
    const cores = Object.entries(s.cores)
      .map(([n, c]) => `${n} ${f(c, 2)}`)
      .join(' ');
    lines.push(
      `${String(k).padStart(3)}  ${String(s.requests).padStart(5)}  ${String(s.fivexx).padStart(3)}  ${f(s.loopMaxMs).padStart(7)}  ${f(s.lagMs).padStart(6)}  ${String(s.chunks).padStart(6)}  ${f(s.chunkMs).padStart(8)}  ${steps.padEnd(8)}  ${a ? `${a.n} (${f(a.max)})` : '-'}  ${cores}`,
    );
  }
  return lines.join('\n');
}
