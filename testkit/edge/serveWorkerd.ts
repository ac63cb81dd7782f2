// Serves the bundled edge Worker with raw `workerd serve` (benchmarks and load tests): no Miniflare router, no
// outbound JS service. Several workerd processes may share one listening socket, as Cloudflare spreads a Worker's
// connections over many isolates, and each runs with a file-descriptor limit sized for one socket per client.
// Node only.
//
// Why the limit matters: workerd holds every client's keep-alive socket plus a pool of sockets to each upstream
// (the Upstash shim, the Kafka REST bridge) about as large as the peak number of concurrent subrequests, so about
// 3-8 descriptors per concurrently busy client. An accept() that fails with EMFILE is an uncaught exception in
// workerd (it exits, and every client sees connection refused), so the limit has to be out of reach, not merely high.

import { type ChildProcess, spawn } from 'node:child_process';
import { openSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { basename, dirname, join, resolve } from 'node:path';
import { sleep } from '@proctor/contracts';
import { allowedNofile, withNofile } from '@proctor/infra/stack/processes';
import { freePort } from '../net.ts';
import { bundleEdge } from './startEdge.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');
/** The descriptor number the shared listening socket has in every workerd child (stdin, stdout, stderr, then it). */
const LISTEN_FD = 3;

const capnpString = (v: string) => JSON.stringify(v); // Cap'n Proto text strings take JSON's escapes

export interface ServedEdge {
  url: string;
  /** The first workerd process (the one with the inspector, when asked for). */
  child: ChildProcess;
  /** Every workerd process serving the socket. */
  children: ChildProcess[];
  /** The RLIMIT_NOFILE each workerd process runs with. */
  nofile: number;
  /** host:port of the first process's V8 inspector, when asked for; the Worker's inspector target id is its service name. */
  inspectorAddr?: string;
  service: string;
  stop(): void;
}

export interface ServeWorkerdOptions {
  inspector?: boolean;
  /** A prebuilt Worker bundle (an A/B baseline); the current edge otherwise. */
  bundle?: string;
  /** workerd processes accepting on the one socket (1). The kernel hands each connection to one of them. */
  processes?: number;
  /** RLIMIT_NOFILE wanted per process (2^20), capped at what this process may set (infra's allowedNofile). */
  nofile?: number;
}

/** The Cap'n Proto config serving `bundle` on the socket named "http"; written next to the bundle (embed refuses ".."). */
function writeConfig(bundle: string, env: Record<string, string>, name: string): string {
  const bindings = Object.entries(env).map(([k, v]) => `(name = ${capnpString(k)}, text = ${capnpString(v)})`);
  const compatibilityDate = /^compatibility_date\s*=\s*"([0-9-]+)"/m.exec(
    readFileSync(join(ROOT, 'wrangler.toml'), 'utf8'),
  )?.[1];
  const config = join(dirname(bundle), `edge-${name}.capnp`);
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
  sockets = [(name = "http", address = "127.0.0.1:0", http = (), service = "edge")],
);
`,
  );
  return config;
}

/** Listens on a free loopback port and returns the socket's descriptor, for the children to inherit. */
async function listeningSocket(): Promise<{ port: number; fd: number; close(): void }> {
  const server = createServer();
  // A backlog as deep as the kernel allows: a ramp opens thousands of connections within seconds.
  await new Promise<void>((done) => server.listen({ host: '127.0.0.1', port: 0, backlog: 65535 }, done));
  // The parent never gets to accept: it closes its copy (the kernel socket lives on in the children) in the same
  // synchronous turn that spawns them.
  const handle = (server as unknown as { _handle: { fd: number } })._handle;
  const port = (server.address() as { port: number }).port;
  return { port, fd: handle.fd, close: () => server.close() };
}

/** Serves the bundled Worker with `workerd serve`; resolves once /healthz answers. */
export async function serveWithWorkerd(
  env: Record<string, string>,
  options: ServeWorkerdOptions = {},
): Promise<ServedEdge> {
  const bundle = options.bundle ?? (await bundleEdge());
  const socket = await listeningSocket();
  const config = writeConfig(bundle, env, String(socket.port));
  const nofile = allowedNofile(options.nofile);
  // An explicit free port: a fixed one may be another engineer's inspector (wrangler dev listens on 9229+).
  const inspectorAddr = options.inspector ? `127.0.0.1:${await freePort()}` : undefined;
  // BENCH_EDGE_LOG=FILE keeps the Worker's log lines (console output on stdout), e.g. to see which upstream timed out.
  const log = process.env.BENCH_EDGE_LOG ? openSync(process.env.BENCH_EDGE_LOG, 'a') : 'ignore';
  const workerd = join(ROOT, 'node_modules', '.bin', 'workerd');
  const children = Array.from({ length: Math.max(1, options.processes ?? 1) }, (_, i) => {
    const args = [
      'serve',
      config,
      `--socket-fd=http=${LISTEN_FD}`,
      ...(inspectorAddr && i === 0 ? [`--inspector-addr=${inspectorAddr}`] : []),
    ];
    // The child's pid is workerd's own (prlimit execs it): CPU accounting reads /proc/<pid>.
    const run = withNofile(workerd, args, nofile);
    return spawn(run.command, run.args, { stdio: ['ignore', log, 'inherit', socket.fd] });
  });
  socket.close();
  const stop = () => {
    for (const c of children) if (c.exitCode === null) c.kill();
  };
  const url = `http://127.0.0.1:${socket.port}`;
  for (let i = 0; i < 100; i++) {
    const dead = children.find((c) => c.exitCode !== null);
    if (dead) {
      stop();
      throw new Error(`workerd exited with ${dead.exitCode}`);
    }
    const ok = await fetch(`${url}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) {
      return {
        url,
        child: children[0]!,
        children,
        nofile,
        inspectorAddr,
        service: 'edge',
        stop,
      };
    }
    await sleep(100);
  }
  stop();
  throw new Error('workerd did not answer /healthz');
}
