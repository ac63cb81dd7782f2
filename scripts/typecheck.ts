// Type-checks every workspace (tests included) with its own tsconfig: the edge needs Workers types and the
// dashboard needs `astro check`, which must not share one program with Node's globals.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const projects = ['.', 'contracts', 'edge', 'processor', 'client', 'infra', 'cohort', 'testkit', 'faults', 'bench'];
let failed = 0;
for (const dir of projects) {
  if (!existsSync(`${dir}/tsconfig.json`)) continue;
  const r = spawnSync('npx', ['tsc', '-p', dir], { stdio: 'inherit' });
  console.log(`typecheck ${dir}: ${r.status === 0 ? 'ok' : 'FAILED'}`);
  if (r.status !== 0) failed++;
}
if (existsSync('dashboard/astro.config.mjs') || existsSync('dashboard/astro.config.ts')) {
  const r = spawnSync('npm', ['run', 'check', '-w', '@proctor/dashboard'], { stdio: 'inherit' });
  console.log(`typecheck dashboard (astro check): ${r.status === 0 ? 'ok' : 'FAILED'}`);
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
