// CPU time of a process tree from /proc: the Chromium browser process found by its unique user-data-dir, plus
// every descendant (renderers, GPU, utility and worker processes).

import { readdirSync, readFileSync } from 'node:fs';
import { sleep } from '@proctor/contracts';

const CLK_TCK = 100; // Linux USER_HZ

function stat(pid: number): { ppid: number; ticks: number } | undefined {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = s.slice(s.lastIndexOf(')') + 2).split(' ');
    // After "pid (comm) ": state=0, ppid=1, …, utime=11, stime=12 (fields 14 and 15 of stat(5)).
    return { ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) };
  } catch {
    return undefined;
  }
}

function rootPid(marker: string): number {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (cmd.includes(marker) && !cmd.includes('--type=')) return Number(entry);
    } catch {}
  }
  throw new Error(`no process with ${marker}`);
}

/** CPU seconds used so far by the tree rooted at the browser process whose command line contains `marker`. */
function treeCpuSeconds(marker: string): number {
  const root = rootPid(marker);
  const all = readdirSync('/proc')
    .filter((e) => /^\d+$/.test(e))
    .map((e) => ({ pid: Number(e), s: stat(Number(e)) }))
    .filter((p): p is { pid: number; s: NonNullable<ReturnType<typeof stat>> } => p.s !== undefined);
  const inTree = new Set([root]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const p of all) if (!inTree.has(p.pid) && inTree.has(p.s.ppid)) grew = inTree.add(p.pid) !== undefined;
  }
  return all.filter((p) => inTree.has(p.pid)).reduce((sum, p) => sum + p.s.ticks, 0) / CLK_TCK;
}

/** Percent of one core the tree used over `ms`. */
export async function cpuPercentOver(marker: string, ms: number): Promise<number> {
  const a = treeCpuSeconds(marker);
  const t0 = performance.now();
  await sleep(ms);
  const elapsed = (performance.now() - t0) / 1000;
  return ((treeCpuSeconds(marker) - a) / elapsed) * 100;
}
