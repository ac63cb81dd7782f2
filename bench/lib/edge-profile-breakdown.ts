// Self time by function from V8 CPU profiles of the edge bundle, so a benchmark can show where a route's isolate
// time goes. A helper for edge-batch-cpu.ts: run on its own (`npm run bench`) it does nothing.
//
// The Worker runs as one esbuild bundle (index.js); esbuild opens every bundled module with a `// <path>` comment,
// so a call frame's line number names its source module. Frames without a url are V8 builtins or workerd's own
// C++ API (fetch, crypto.subtle, JSON.parse inside a builtin…): they are grouped as "(native)".
import { readFileSync } from 'node:fs';
import type { CpuProfile } from './edge-v8-profiler.ts';

/** Maps a 0-based line of the bundle to the source module it came from. */
export function bundleModules(bundlePath: string): (line: number) => string {
  const starts: { line: number; module: string }[] = [];
  readFileSync(bundlePath, 'utf8')
    .split('\n')
    .forEach((text, line) => {
      const m = /^\/\/ (\S+\.(?:m?js|ts))$/.exec(text);
      if (m?.[1]) starts.push({ line, module: m[1] });
    });
  return (line) => {
    let lo = 0;
    let hi = starts.length - 1;
    let found = '(bundle prelude)';
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const s = starts[mid] as { line: number; module: string };
      if (s.line <= line) {
        found = s.module;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found.replace(/^node_modules\//, '');
  };
}

/** Self samples per function (name + module:line), and per package, summed over any number of profiles. */
export class SelfTime {
  readonly byFunction = new Map<string, number>();
  readonly byPackage = new Map<string, number>();
  /** Isolate µs per sample (the profile's period), summed per key: samples x period, as summarise() counts. */
  add(profile: CpuProfile, periodUs: number, moduleOf: (line: number) => string): void {
    const key = new Map<number, { fn: string; pkg: string }>();
    for (const n of profile.nodes) {
      const { functionName, url, lineNumber } = n.callFrame;
      const name = functionName || '(anonymous)';
      if (!url) {
        const special = functionName.startsWith('(');
        key.set(n.id, { fn: special ? name : `${name} (native)`, pkg: special ? name : '(native)' });
        continue;
      }
      const module = moduleOf(lineNumber ?? 0);
      key.set(n.id, { fn: `${name} ${module}:${(lineNumber ?? 0) + 1}`, pkg: packageOf(module) });
    }
    for (const id of profile.samples) {
      const k = key.get(id) ?? { fn: '?', pkg: '?' };
      this.byFunction.set(k.fn, (this.byFunction.get(k.fn) ?? 0) + periodUs);
      this.byPackage.set(k.pkg, (this.byPackage.get(k.pkg) ?? 0) + periodUs);
    }
  }
}

/** "zod/v4/core/schemas.js" -> "zod", "@upstash/redis/…" -> "@upstash/redis", "edge/src/events/x.ts" -> "edge/src". */
function packageOf(module: string): string {
  const parts = module.split('/');
  if (module.startsWith('@')) return parts.slice(0, 2).join('/');
  if (parts[0] === 'edge' || parts[0] === 'contracts') return parts.slice(0, 2).join('/');
  return parts[0] ?? module;
}

const IDLE = '(idle)';

/** Prints the top functions and the per-package split, µs per request, idle left out. */
export function printSelfTime(label: string, self: SelfTime, requests: number, top = 15): void {
  const rows = (m: Map<string, number>) =>
    [...m].filter(([k]) => k !== IDLE).sort((a, b) => b[1] - a[1]) as [string, number][];
  const busy = rows(self.byPackage).reduce((s, [, v]) => s + v, 0) / requests;
  console.log(`\n${label}: self time per request (isolate busy ${busy.toFixed(0)} µs)`);
  for (const [fn, total] of rows(self.byFunction).slice(0, top)) {
    const v = total / requests;
    console.log(`  ${v.toFixed(1).padStart(7)} µs ${((v / busy) * 100).toFixed(1).padStart(5)}%  ${fn}`);
  }
  console.log(
    `  by package: ${rows(self.byPackage)
      .map(([p, t]) => `${p} ${(t / requests).toFixed(0)}`)
      .join(', ')} µs`,
  );
}
