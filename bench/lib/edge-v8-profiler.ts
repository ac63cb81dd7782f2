// V8 CPU profiles of one workerd Worker isolate over its inspector (Chrome DevTools Protocol), summarised as
// isolate time per request. A helper for edge-batch-cpu.ts: run on its own (`npm run bench`) it does nothing.
//
// How V8 samples, and why this file counts samples instead of summing timeDeltas: the sampler thread ticks every
// period P and signals the isolate's thread, but V8 records a tick only while that thread has the isolate entered
// (SamplerManager::DoSample skips an isolate that is not "in use"). workerd enters the isolate only while it runs
// the Worker (JS, GC, and its own C++ API work under the isolate lock). A tick that falls outside is dropped, so
// the next recorded sample's timeDelta also covers the time the isolate was not running; summing timeDeltas of
// non-idle samples would charge socket work and waiting to the Worker. Each recorded sample instead stands for one
// period P of isolate time, so isolate time = samples x P. P is measured from the profile (see periodUs).

export interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url?: string; lineNumber?: number } }[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface Inspector {
  send(method: string, params?: object): Promise<Record<string, unknown>>;
  close(): void;
}

/** Connects to the inspector target of one workerd service (`/json/list` lists one target per service). */
export async function connectInspector(inspectorAddr: string, service: string): Promise<Inspector> {
  const targets = (await (await fetch(`http://${inspectorAddr}/json/list`)).json()) as {
    id: string;
    webSocketDebuggerUrl: string;
  }[];
  const target = targets.find((t) => t.id === service);
  if (!target) throw new Error(`no inspector target ${service} in ${JSON.stringify(targets.map((t) => t.id))}`);
  const ws = new WebSocket(target.webSocketDebuggerUrl);
  await new Promise((resolve, reject) => {
    ws.onopen = resolve;
    ws.onerror = () => reject(new Error(`inspector websocket ${target.webSocketDebuggerUrl} failed`));
  });
  const pending = new Map<number, (msg: { result?: Record<string, unknown>; error?: unknown }) => void>();
  ws.onmessage = (event) => {
    const msg = JSON.parse(String(event.data));
    // Responses carry the request id; events (no id) are not used here. workerd answers some Profiler commands by
    // echoing them back (no `result`), which still acknowledges them.
    if (typeof msg.id === 'number') pending.get(msg.id)?.(msg);
  };
  let nextId = 0;
  return {
    send(method, params = {}) {
      const id = ++nextId;
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`inspector ${method}: no answer in 30 s`)), 30_000);
        pending.set(id, (msg) => {
          clearTimeout(timer);
          pending.delete(id);
          if (msg.error) reject(new Error(`inspector ${method}: ${JSON.stringify(msg.error)}`));
          else resolve(msg.result ?? {});
        });
        ws.send(JSON.stringify({ id, method, params }));
      });
    },
    close: () => ws.close(),
  };
}

/** Runs `work` under the sampling profiler; returns the profile and the wall time from start to stop, µs. */
export async function profileWhile(inspector: Inspector, intervalUs: number, work: () => Promise<unknown>) {
  await inspector.send('Profiler.setSamplingInterval', { interval: intervalUs });
  await inspector.send('Profiler.start');
  const t0 = performance.now();
  await work();
  const wallUs = (performance.now() - t0) * 1000;
  const { profile } = (await inspector.send('Profiler.stop')) as { profile: CpuProfile };
  return { profile, wallUs };
}

const CATEGORIES = ['js', '(program)', '(garbage collector)', '(idle)'] as const;
type Category = (typeof CATEGORIES)[number];

/**
 * The sampler's real period, µs: the most common gap between consecutive recorded samples (10 µs bins). Back-to-back
 * ticks inside one stretch of isolate time are exactly one period apart, so they form the peak; gaps that span time
 * outside the isolate are longer and spread out. The nominal interval is a lower bound (timer slack, wake-up).
 */
function periodUs(profile: CpuProfile, nominalUs: number): number {
  const bins = new Map<number, number>();
  for (const d of profile.timeDeltas.slice(1)) {
    if (d < nominalUs * 0.5) continue; // a signal delivered late next to an on-time one: not a period
    const bin = Math.round(d / 10);
    bins.set(bin, (bins.get(bin) ?? 0) + 1);
  }
  const [peak] = [...bins].reduce((best, b) => (b[1] > best[1] ? b : best), [0, 0]);
  return peak * 10;
}

export interface ProfileSummary {
  periodUs: number;
  samples: Record<Category, number>;
  /** samples x period, µs: isolate time per category over the whole profile. */
  isolateUs: Record<Category, number>;
  /** Sum of all timeDeltas and endTime - startTime, µs: both should match the wall time of the interval. */
  deltaSumUs: number;
  spanUs: number;
}

export function summarise(profile: CpuProfile, nominalUs: number): ProfileSummary {
  const name = new Map(profile.nodes.map((n) => [n.id, n.callFrame.functionName]));
  const samples = Object.fromEntries(CATEGORIES.map((c) => [c, 0])) as Record<Category, number>;
  for (const id of profile.samples) {
    const fn = name.get(id) ?? '';
    samples[(CATEGORIES as readonly string[]).includes(fn) ? (fn as Category) : 'js']++;
  }
  const period = periodUs(profile, nominalUs);
  return {
    periodUs: period,
    samples,
    isolateUs: Object.fromEntries(CATEGORIES.map((c) => [c, samples[c] * period])) as Record<Category, number>,
    deltaSumUs: profile.timeDeltas.reduce((s, d) => s + d, 0),
    spanUs: profile.endTime - profile.startTime,
  };
}
