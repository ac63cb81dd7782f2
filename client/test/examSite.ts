// Builds the Astro site (dashboard/) into test-output with our models copied in, and serves /exam from it.

import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { sleep } from '@proctor/contracts';
import { freePort } from '@proctor/testkit';
import { copyModels } from '../scripts/copy-models.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const NODE24 = join(ROOT, 'scripts', 'node24.sh');

/** Builds once per output dir name; returns the directory holding server/entry.mjs. */
export function buildExamSite(name = 'client-site'): string {
  const outDir = join(ROOT, 'test-output', name);
  copyModels(join(ROOT, 'dashboard', 'public', 'models'));
  execFileSync(NODE24, ['npx', 'astro', 'build'], {
    cwd: join(ROOT, 'dashboard'),
    env: { ...process.env, DASHBOARD_OUT_DIR: outDir },
    stdio: 'pipe',
  });
  if (!existsSync(join(outDir, 'server', 'entry.mjs'))) throw new Error('astro build produced no server entry');
  return outDir;
}

export interface ExamSite {
  origin: string;
  /** The one edge port the page accepts unless `edgeOrigins` were given: where the file's fake edges listen. */
  edgePort: number;
  stop(): Promise<void>;
}

/**
 * Serves the built site on `port`. Its exam page talks only to `edgeOrigins` (EDGE_ORIGINS); without them, to a
 * fake edge on the free port `edgePort`. `platformOrigins` may launch it by postMessage.
 */
export async function serveExamSite(
  outDir: string,
  port: number,
  opts: { edgeOrigins?: string[]; platformOrigins?: string[] } = {},
): Promise<ExamSite> {
  const edgePort = await freePort();
  const env = {
    HOST: '127.0.0.1',
    PORT: String(port),
    EDGE_ORIGINS: (opts.edgeOrigins ?? [`http://127.0.0.1:${edgePort}`]).join(','),
    PLATFORM_ORIGINS: (opts.platformOrigins ?? []).join(','),
  };
  const child: ChildProcess = spawn(NODE24, ['node', join(outDir, 'server', 'entry.mjs')], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout?.on('data', (d) => (log += d));
  child.stderr?.on('data', (d) => (log += d));
  const origin = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    const ok = await fetch(`${origin}/exam`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) {
      return {
        origin,
        edgePort,
        stop: () =>
          new Promise((resolve) => {
            // Already gone (it crashed mid-run): waiting for 'exit' would hang the caller's finally forever.
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGTERM');
          }),
      };
    }
    if (child.exitCode !== null) break;
    await sleep(100);
  }
  child.kill('SIGKILL');
  throw new Error(`exam site did not start on ${origin}:\n${log}`);
}
