// stack:up → stack:down → stack:up, through the real CLIs: processes gone and ports free after down, healthy after up.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stackConfig } from './config.ts';
import { serviceStatus, startService } from './control.ts';
import { stackObjectStore } from './health.ts';
import { isAlive, portOpen, readPidFile, stopProcess } from './processes.ts';
import { serviceControlSuite } from './serviceControl.suite.ts';
import { pidFileOf } from './services.ts';

const config = stackConfig();
const OURS = ['kafka', 'bridge', 'shim', 's3'] as const;
const PORTS = [config.kafka.port, config.kafka.controllerPort, config.bridge.port, config.shim.port, config.s3.port];

/**
 * Runs a stack CLI with piped stdio and resolves on 'close', which fires only once every holder of the pipes
 * has let go: if a started service inherited them, this would time out instead.
 */
function runCli(script: 'up.ts' | 'down.ts', timeoutMs = 240_000): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(config.infraDir, 'stack', script)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const timer = setTimeout(
      () => reject(new Error(`${script} did not release its stdio within ${timeoutMs} ms:\n${output}`)),
      timeoutMs,
    );
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

function exists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function expectHealthy() {
  for (const name of OURS) {
    const status = await serviceStatus(name, config);
    expect(status, name).toMatchObject({ ours: true, healthy: true });
  }
  const produce = await fetch(`${config.bridge.url}/topics/${config.topics.events}`, {
    method: 'POST',
    headers: { 'content-type': 'application/vnd.kafka.json.v2+json' },
    body: JSON.stringify({ records: [{ key: 'lifecycle-test', value: { probe: true } }] }),
  });
  const body = (await produce.json()) as { offsets: { offset?: number; error_code?: number }[] };
  expect(produce.status).toBe(200);
  expect(body.offsets[0]?.error_code).toBeUndefined();
  expect(typeof body.offsets[0]?.offset).toBe('number');
  // The thumbnails bucket exists and keeps what it is given across restarts (filesystem backend in the state dir).
  const store = stackObjectStore(config);
  await store.put('lifecycle/probe', new Uint8Array([1, 2, 3]), 'application/octet-stream');
  expect((await store.get('lifecycle/probe'))?.bytes).toEqual(new Uint8Array([1, 2, 3]));
}

describe('stack lifecycle', () => {
  it('comes up, goes fully down, and comes up healthy again', async () => {
    const up1 = await runCli('up.ts');
    expect(up1.code, up1.output).toBe(0);
    await expectHealthy();
    const records = OURS.map((name) => readPidFile(pidFileOf(config, name)));
    for (const r of records) expect(isAlive(r)).toBe(true);

    const down = await runCli('down.ts');
    expect(down.code, down.output).toBe(0);
    for (const r of records) {
      expect(isAlive(r), `pid ${r?.pid}`).toBe(false);
      // An exited child lingers as a zombie until init reaps it; give init a moment, then it must be gone.
      await expect
        .poll(() => exists(r?.pid ?? 0), { timeout: 5000, message: `pid ${r?.pid} still exists` })
        .toBe(false);
    }
    for (const name of OURS) expect(readPidFile(pidFileOf(config, name))).toBeUndefined();
    for (const port of PORTS) expect(await portOpen('127.0.0.1', port), `port ${port}`).toBe(false);

    const up2 = await runCli('up.ts');
    expect(up2.code, up2.output).toBe(0);
    expect(up2.output).toMatch(/kafka\s+started/);
    await expectHealthy();

    // Idempotent: a second up while healthy starts nothing.
    const up3 = await runCli('up.ts');
    expect(up3.code, up3.output).toBe(0);
    expect(up3.output).not.toMatch(/\bstarted\b/);
    expect(up3.output).toMatch(/bridge\s+already_running/);
  });

  it('names the process holding a port it does not own', async () => {
    // Hold a port from this test process, then ask a stack with its own (empty) state dir to start the shim there.
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const port = (holder.address() as AddressInfo).port;
    const foreignState = mkdtempSync(join(tmpdir(), 'proctor-stack-'));
    const other = stackConfig({ ...process.env, PROCTOR_STACK_DIR: foreignState, SHIM_PORT: String(port) });
    try {
      await expect(startService('shim', other)).rejects.toThrow(
        new RegExp(`port ${port} is taken by PID ${process.pid} \\(`),
      );
    } finally {
      // Should the check ever regress, do not leave a stray shim behind.
      const stray = readPidFile(pidFileOf(other, 'shim'));
      if (stray) await stopProcess(stray, 5000);
      holder.close();
      rmSync(foreignState, { recursive: true, force: true });
    }
  });
});

// After the lifecycle, in the same file so the two never overlap.
serviceControlSuite();
