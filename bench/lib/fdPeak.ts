// Peak open file descriptors per process during a benchmark step, against each process's limit: a ramp that runs
// out of descriptors breaks on them, not on CPU, and says so.

import { readdirSync, readFileSync } from 'node:fs';

const count = (pid: number) => {
  try {
    return readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return 0; // exited meanwhile
  }
};

/** RLIMIT_NOFILE (soft) of a process, from /proc/<pid>/limits. */
function nofileOf(pid: number): number {
  try {
    const soft = /^Max open files\s+(\S+)/m.exec(readFileSync(`/proc/${pid}/limits`, 'utf8'))?.[1];
    return soft === undefined || soft === 'unlimited' ? Number.POSITIVE_INFINITY : Number(soft);
  } catch {
    return Number.NaN;
  }
}

/**
 * Samples every named group of processes once a second; `take()` returns each group's peak (the largest single
 * process, as each process has its own limit) and that process's limit since the last take.
 */
export function fdPeakMeter(groups: Record<string, number[]>, everyMs = 1000) {
  const peaks = new Map<string, { fds: number; limit: number }>();
  const sample = () => {
    for (const [name, pids] of Object.entries(groups))
      for (const pid of pids) {
        const fds = count(pid);
        if (fds > (peaks.get(name)?.fds ?? -1)) peaks.set(name, { fds, limit: nofileOf(pid) });
      }
  };
  const timer = setInterval(sample, everyMs);
  timer.unref();
  return {
    take(): Map<string, { fds: number; limit: number }> {
      sample();
      const out = new Map(peaks);
      peaks.clear();
      return out;
    },
    stop: () => clearInterval(timer),
  };
}
