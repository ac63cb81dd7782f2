// Serves the bundled edge Worker with raw `workerd serve` for the edge benchmarks, and reads a process's CPU time.
// A helper for edge-batch-cpu.ts: run on its own (`npm run bench`) it does nothing.
// The config is minimal (the wrangler bundle, text bindings, a plain network service for subrequests): Miniflare
// would add its own router and an outbound JS service to every subrequest.

import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { openSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { sleep } from '@proctor/contracts';
import { freePort } from '@proctor/testkit';
import { bundleEdge } from '@proctor/testkit/edge';

export const CPU_TICK_MS = 1000 / Number(spawnSync('getconf', ['CLK_TCK']).stdout.toString().trim() || 100);

const capnpString = (v: string) => JSON.stringify(v); // Cap'n Proto text strings take JSON's escapes

export interface ServedEdge {
  url: string;
  child: ChildProcess;
  /** host:port of the V8 inspector, when asked for; the Worker's inspector target id is its service name. */
  inspectorAddr?: string;
  service: string;
}

/** Serves the bundled Worker with `workerd serve`; resolves once /healthz answers. */
export async function serveWithWorkerd(
  env: Record<string, string>,
  options: {
    inspector?: boolean /** A prebuilt Worker bundle (an A/B baseline); the current edge otherwise. */;
    bundle?: string;
  } = {},
): Promise<ServedEdge> {
  const bundle = options.bundle ?? (await bundleEdge());
  const port = await freePort();
  // The config sits next to the bundle: workerd resolves `embed` relative to the config and refuses "..".
  const dir = dirname(bundle);
  const bindings = Object.entries(env).map(([k, v]) => `(name = ${capnpString(k)}, text = ${capnpString(v)})`);
  const compatibilityDate = /^compatibility_date\s*=\s*"([0-9-]+)"/m.exec(
    readFileSync(join(import.meta.dirname, '..', '..', 'wrangler.toml'), 'utf8'),
  )?.[1];
  const config = join(dir, `edge-${port}.capnp`);
  writeFileSync(
    config,
    `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "edge", worker = (
      modules = [(name = "index.js", esModule = embed ${capnpString(basename(bundle))})],
      compatibilityDate = ${capnpString(compatibilityDate ?? '2026-11-01')},
      bindings = [${bindings.join(', ')}],
      globalOutbound = "net",
    )),
    (name = "net", network = (allow = ["public", "private", "local"])),
  ],
  sockets = [(name = "http", address = "127.0.0.1:${port}", http = (), service = "edge")],
);
`,
  );
  // An explicit free port: a fixed one may be another engineer's inspector (wrangler dev listens on 9229+).
  const inspectorAddr = options.inspector ? `127.0.0.1:${await freePort()}` : undefined;
  const args = ['serve', config, ...(inspectorAddr ? [`--inspector-addr=${inspectorAddr}`] : [])];
  // BENCH_EDGE_LOG=FILE keeps the Worker's log lines (console output on stdout), e.g. to see which upstream timed out.
  const log = process.env.BENCH_EDGE_LOG ? openSync(process.env.BENCH_EDGE_LOG, 'a') : 'ignore';
  const child = spawn(join(import.meta.dirname, '..', '..', 'node_modules', '.bin', 'workerd'), args, {
    stdio: ['ignore', log, 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`workerd exited with ${child.exitCode}`);
    const ok = await fetch(`${url}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return { url, child, inspectorAddr, service: 'edge' };
    await sleep(100);
  }
  child.kill();
  throw new Error('workerd did not answer /healthz');
}

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
