// CPU time of a process tree from /proc: the Chromium browser process found by its unique user-data-dir, plus
// every descendant (renderers, GPU, utility and worker processes), in total and per process kind and thread.

import { readdirSync, readFileSync } from 'node:fs';
import { sleep } from '@proctor/contracts';

const CLK_TCK = 100; // Linux USER_HZ

/** `/proc/<pid>/stat` or `/proc/<pid>/task/<tid>/stat`: parent, CPU ticks and the thread's name (comm). */
function stat(path: string): { ppid: number; ticks: number; comm: string } | undefined {
  try {
    const s = readFileSync(path, 'utf8');
    const fields = s.slice(s.lastIndexOf(')') + 2).split(' ');
    // After "pid (comm) ": state=0, ppid=1, …, utime=11, stime=12 (fields 14 and 15 of stat(5)).
    const comm = s.slice(s.indexOf('(') + 1, s.lastIndexOf(')'));
    return { ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]), comm };
  } catch {
    return undefined;
  }
}

const cmdline = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return '';
  }
};

function rootPid(marker: string): number {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cmd = cmdline(Number(entry));
    if (cmd.includes(marker) && !cmd.includes('--type=')) return Number(entry);
  }
  throw new Error(`no process with ${marker}`);
}

function treePids(marker: string): number[] {
  const root = rootPid(marker);
  const all = readdirSync('/proc')
    .filter((e) => /^\d+$/.test(e))
    .map((e) => ({ pid: Number(e), s: stat(`/proc/${e}/stat`) }))
    .filter((p) => p.s !== undefined);
  const inTree = new Set([root]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const p of all) if (!inTree.has(p.pid) && inTree.has(p.s!.ppid)) grew = inTree.add(p.pid) !== undefined;
  }
  return [...inTree];
}

/** CPU seconds used so far by the tree rooted at the browser process whose command line contains `marker`. */
function treeCpuSeconds(marker: string): number {
  return treePids(marker).reduce((sum, pid) => sum + (stat(`/proc/${pid}/stat`)?.ticks ?? 0), 0) / CLK_TCK;
}

/** The process's kind: browser, renderer, gpu-process, or a utility's service (video_capture, network...). */
function kind(pid: number): string {
  // Chromium rewrites its children's titles: their arguments are one space-separated string, not NUL-separated.
  const args = cmdline(pid).split(/[\0 ]/);
  const type = args.find((a) => a.startsWith('--type='))?.slice(7) ?? 'browser';
  const sub = args.find((a) => a.startsWith('--utility-sub-type='))?.slice(19);
  return sub ? (sub.split('.')[0] ?? type) : type;
}

/** CPU seconds so far per `kind/thread name` over the tree (threads of one name added up). */
function threadCpuSeconds(marker: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const pid of treePids(marker)) {
    const k = kind(pid);
    let tids: string[] = [];
    try {
      tids = readdirSync(`/proc/${pid}/task`);
    } catch {}
    for (const tid of tids) {
      const s = stat(`/proc/${pid}/task/${tid}/stat`);
      if (!s) continue;
      // Numbered pools (ThreadPoolForeg, wasm pthreads) collapse into one row by dropping trailing digits.
      const key = `${k}/${s.comm.replace(/\d+$/, '')}`;
      out.set(key, (out.get(key) ?? 0) + s.ticks / CLK_TCK);
    }
  }
  return out;
}

/**
 * Percent of one core over `ms`, in total and per `kind/thread` (renderer/CrRendererMain, renderer/DedicatedWorker,
 * gpu-process/..., video_capture/...). A thread that ended during the window is missing from the rows (not the total).
 */
export async function cpuBreakdownOver(
  marker: string,
  ms: number,
): Promise<{ total: number; threads: Map<string, number> }> {
  const a = treeCpuSeconds(marker);
  const ta = threadCpuSeconds(marker);
  const t0 = performance.now();
  await sleep(ms);
  const elapsed = (performance.now() - t0) / 1000;
  const tb = threadCpuSeconds(marker);
  const threads = new Map<string, number>();
  for (const [k, v] of tb) threads.set(k, ((v - (ta.get(k) ?? 0)) / elapsed) * 100);
  return { total: ((treeCpuSeconds(marker) - a) / elapsed) * 100, threads };
}
