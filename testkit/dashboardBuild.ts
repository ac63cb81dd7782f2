// Building the dashboard site for tests and benches: into a folder of the caller's, serialised by one flock so that
// parallel test files and benches never run two astro builds at once.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';

/** The dashboard workspace (the builds' cwd). */
export const DASHBOARD_WORKSPACE = join(import.meta.dirname, '..', 'dashboard');

/** Builds the site into `outDir`; on failure removes it and throws with astro's output. */
export function buildDashboardSite(outDir: string, timeoutMs: number): void {
  const r = spawnSync('flock', ['/tmp/proctor-dashboard-build.lock', 'npx', 'astro', 'build'], {
    cwd: DASHBOARD_WORKSPACE,
    env: { ...process.env, DASHBOARD_OUT_DIR: outDir, ASTRO_TELEMETRY_DISABLED: '1' },
    encoding: 'utf8',
    timeout: timeoutMs,
  });
  if (r.status !== 0) {
    rmSync(outDir, { recursive: true, force: true });
    throw new Error(`astro build failed (${r.error?.message ?? `exit ${r.status}`}):\n${r.stdout}\n${r.stderr}`);
  }
}
