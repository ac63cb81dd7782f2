// Detached child processes tracked by pid files: spawn, liveness (guarded against pid reuse), stop, port owners.

import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { dirname } from 'node:path';
import { sleep } from '@proctor/contracts';

export interface PidRecord {
  pid: number;
  /** A string that must appear in /proc/<pid>/cmdline, so a recycled pid is never mistaken for ours. */
  marker: string;
  startedAt: string;
  logFile: string;
}

export function readPidFile(file: string): PidRecord | undefined {
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as PidRecord;
  } catch {
    return undefined;
  }
}

function cmdline(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
  } catch {
    return undefined;
  }
}

export function isAlive(record: PidRecord | undefined): record is PidRecord {
  if (!record) return false;
  const cmd = cmdline(record.pid);
  if (cmd === undefined || !cmd.includes(record.marker)) return false;
  // A zombie still has a cmdline entry until reaped; it is not alive.
  try {
    const state = readFileSync(`/proc/${record.pid}/stat`, 'utf8').split(') ')[1]?.[0];
    return state !== 'Z';
  } catch {
    return false;
  }
}

/** Asked for by default: a million descriptors cost nothing until used, and no local run comes near them. */
const WANTED_NOFILE = 1 << 20;

/**
 * The most descriptors a child may get, up to `wanted`: the hard limit, or more when this process may raise it
 * (root with CAP_SYS_RESOURCE, up to fs.nr_open; a container's root usually may not). Probed with prlimit.
 */
export function allowedNofile(wanted = WANTED_NOFILE): number {
  const hard = /^Max open files\s+\S+\s+(\S+)/m.exec(readFileSync('/proc/self/limits', 'utf8'))?.[1];
  const hardLimit = hard === undefined || hard === 'unlimited' ? wanted : Number(hard);
  if (wanted <= hardLimit) return wanted;
  const above = Math.min(wanted, Number(readFileSync('/proc/sys/fs/nr_open', 'utf8').trim()));
  const raised = spawnSync('prlimit', [`--nofile=${above}:${above}`, '--', 'true'], { stdio: 'ignore' }).status === 0;
  return raised ? above : hardLimit;
}

/**
 * `command args` run under prlimit (util-linux) with RLIMIT_NOFILE at `nofile` (soft and hard): for servers that hold
 * a socket per client (workerd, the Upstash shim), whose soft limit is often 1,024 while the hard one is far higher.
 * prlimit execs the command, so the pid spawned is the server's own.
 */
export function withNofile(
  command: string,
  args: string[],
  nofile = allowedNofile(),
): { command: string; args: string[] } {
  return { command: 'prlimit', args: [`--nofile=${nofile}:${nofile}`, '--', command, ...args] };
}

export interface SpawnSpec {
  command: string;
  args: string[];
  logFile: string;
  pidFile: string;
  marker: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

/**
 * Starts a process in its own session with stdio going to a log file, then forgets it: it never holds the
 * caller's stdout/stderr pipes open, so CI steps that wait on those pipes finish.
 */
export function spawnDetached(spec: SpawnSpec): PidRecord {
  mkdirSync(dirname(spec.logFile), { recursive: true });
  const fd = openSync(spec.logFile, 'a');
  try {
    const child = spawn(spec.command, spec.args, {
      detached: true,
      stdio: ['ignore', fd, fd],
      env: spec.env ?? process.env,
      cwd: spec.cwd,
    });
    if (child.pid === undefined) throw new Error(`could not start ${spec.command}`);
    child.unref();
    const record: PidRecord = {
      pid: child.pid,
      marker: spec.marker,
      startedAt: new Date().toISOString(),
      logFile: spec.logFile,
    };
    writeFileSync(spec.pidFile, `${JSON.stringify(record)}\n`);
    return record;
  } finally {
    closeSync(fd);
  }
}

/** SIGTERM to the process group, SIGKILL after `timeoutMs`; resolves once the process is gone. */
export async function stopProcess(
  record: PidRecord,
  timeoutMs: number,
): Promise<'terminated' | 'killed' | 'not_running'> {
  if (!isAlive(record)) return 'not_running';
  const signal = (sig: NodeJS.Signals) => {
    try {
      process.kill(-record.pid, sig);
    } catch {
      try {
        process.kill(record.pid, sig);
      } catch {
        /* already gone */
      }
    }
  };
  signal('SIGTERM');
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(record)) return 'terminated';
    await sleep(100);
  }
  signal('SIGKILL');
  for (let i = 0; i < 50 && isAlive(record); i++) await sleep(100);
  return 'killed';
}

export function removePidFile(file: string): void {
  rmSync(file, { force: true });
}

/** True when something accepts TCP connections on host:port. */
export function portOpen(host: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** "PID 1234 (java -cp ...)" for whoever listens on a TCP port, or a generic phrase when `ss` cannot say. */
export function describePortOwner(port: number): string {
  try {
    const out = execFileSync('ss', ['-Hltnp', `sport = :${port}`], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const pid = /pid=(\d+)/.exec(out)?.[1];
    if (pid) {
      const cmd = (cmdline(Number(pid)) ?? '?').slice(0, 120);
      return `PID ${pid} (${cmd})`;
    }
  } catch {
    /* ss missing or no permission */
  }
  return 'another process (run `ss -ltnp` to see which)';
}
