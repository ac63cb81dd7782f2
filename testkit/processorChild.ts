// Runs the processor as a child process (`node processor/src/main.ts`), reading its JSON logs and metrics.

import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { sleep } from '@proctor/contracts';

const MAIN = fileURLToPath(new URL('../processor/src/main.ts', import.meta.url));

export interface ProcessorChild {
  child: ChildProcess;
  logs: Record<string, unknown>[];
  metricsPort: () => number;
  waitLog: (
    event: string,
    timeoutMs?: number,
    pred?: (l: Record<string, unknown>) => boolean,
  ) => Promise<Record<string, unknown>>;
  metric: (name: string, labels?: Record<string, string>) => Promise<number>;
  stop: (signal?: NodeJS.Signals) => Promise<number | null>;
  /** Resolves with the exit code once the child exits on its own (or was stopped). */
  exited: Promise<number | null>;
}

/** Runs `node processor/src/main.ts` as a child with the given env; resolves once it logged processor_ready. */
export async function startProcessor(env: Record<string, string>, waitReady = true): Promise<ProcessorChild> {
  const child = spawn(process.execPath, [MAIN], {
    env: { ...process.env, METRICS_PORT: '0', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Record<string, unknown>[] = [];
  let buffered = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    const lines = buffered.split('\n');
    buffered = lines.pop()!;
    for (const line of lines) {
      try {
        logs.push(JSON.parse(line));
      } catch {
        logs.push({ event: 'unparsed', line });
      }
    }
  });
  child.stderr!.on('data', (chunk: Buffer) => logs.push({ event: 'stderr', line: chunk.toString() }));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const waitLog = async (
    event: string,
    timeoutMs = 30_000,
    pred: (l: Record<string, unknown>) => boolean = () => true,
  ) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = logs.find((l) => l.event === event && pred(l));
      if (found) return found;
      if (child.exitCode !== null)
        throw new Error(`processor exited ${child.exitCode}: ${JSON.stringify(logs.slice(-5))}`);
      if (Date.now() > deadline) throw new Error(`timed out waiting for log ${event}`);
      await sleep(100);
    }
  };
  const port = waitReady ? Number((await waitLog('processor_ready', 60_000)).metricsPort) : 0;
  return {
    child,
    logs,
    exited,
    metricsPort: () => port,
    waitLog,
    async metric(name, labels = {}) {
      const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      let sum = 0;
      for (const line of text.split('\n')) {
        if (!line.startsWith(name)) continue;
        const m = /^([a-z_]+)(\{[^}]*\})? ([0-9.e+-]+)$/.exec(line);
        if (!m || m[1] !== name) continue;
        const labelText = m[2] ?? '';
        if (Object.entries(labels).every(([k, v]) => labelText.includes(`${k}="${v}"`))) sum += Number(m[3]);
      }
      return sum;
    },
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null) child.kill(signal);
      return exited;
    },
  };
}
