// The built dashboard's standalone server for tests and benches: `node <outDir>/server/entry.mjs` on a port with
// the caller's environment, ready once its OpenAPI document answers.
import { type ChildProcess, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { sleep } from '@proctor/contracts';
import { DASHBOARD_WORKSPACE } from './dashboardBuild.ts';

/** The tail of the server's output kept for an error message: a long bench must not hold all of it. */
const LOG_TAIL_CHARS = 64 * 1024;

export interface RunningDashboard {
  url: string;
  child: ChildProcess;
  /** The tail of the server's stdout and stderr. */
  logs(): string;
  /** SIGTERM, SIGKILL after 3 s, then removes the build unless told to keep it. */
  stop(): Promise<void>;
}

export interface StartDashboardOptions {
  /** A build from buildDashboardSite. */
  outDir: string;
  port: number;
  env: Record<string, string>;
  /** How long the server may take to answer (a loaded box's bench gives it longer). */
  timeoutMs?: number;
  /** Leave the build in place on stop (a build the caller did not make, or reuses). */
  keepBuild?: boolean;
}

export async function startDashboard(opts: StartDashboardOptions): Promise<RunningDashboard> {
  const child = spawn(process.execPath, [join(opts.outDir, 'server', 'entry.mjs')], {
    cwd: DASHBOARD_WORKSPACE,
    env: { ...process.env, HOST: '127.0.0.1', PORT: String(opts.port), ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let logs = '';
  const keep = (d: Buffer) => {
    logs = (logs + d).slice(-LOG_TAIL_CHARS);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const removeBuild = () => {
    if (!opts.keepBuild) rmSync(opts.outDir, { recursive: true, force: true });
  };
  const url = `http://127.0.0.1:${opts.port}`;
  const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
  const fail = (message: string) => {
    child.kill('SIGKILL');
    removeBuild();
    return new Error(message);
  };
  for (;;) {
    if (child.exitCode !== null) throw fail(`dashboard exited (${child.exitCode}):\n${logs}`);
    try {
      const res = await fetch(`${url}/api/openapi.json`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw fail(`dashboard did not start on ${url}:\n${logs}`);
    await sleep(100);
  }
  return {
    url,
    child,
    logs: () => logs,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await Promise.race([exited, sleep(3_000)]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      removeBuild();
    },
  };
}
