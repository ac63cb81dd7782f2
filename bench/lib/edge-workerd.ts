// CPU time of the edge benchmarks' processes from /proc (the edge itself is served by @proctor/testkit/edge's
// serveWithWorkerd). A helper for edge-batch-cpu.ts and the cohort benches: run on its own (`npm run bench`) it does
// nothing.

import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

export const CPU_TICK_MS = 1000 / Number(spawnSync('getconf', ['CLK_TCK']).stdout.toString().trim() || 100);

/** utime + stime of the process, ms. Fields 14 and 15 of /proc/<pid>/stat (after the parenthesised comm). */
export function cpuMs(pid: number): number {
  const after = readFileSync(`/proc/${pid}/stat`, 'utf8')
    .replace(/^.*\) /s, '')
    .split(' ');
  return (Number(after[11]) + Number(after[12])) * CPU_TICK_MS;
}

/**
 * Time workerd's main thread (it runs the isolate and the event loop) spent runnable but waiting for a core, ms, from
 * /proc/<pid>/task/<pid>/schedstat. A sampling profiler counts that wait as isolate time when it hits mid-request.
 */
export function runQueueWaitMs(pid: number): number {
  return Number(readFileSync(`/proc/${pid}/task/${pid}/schedstat`, 'utf8').split(' ')[1]) / 1e6;
}
