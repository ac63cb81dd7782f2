// `npm run bench`: runs every bench/*.ts (or those named on the command line) one after another, so that two
// benchmarks never compete for the machine's cores, and prints each one's own numbers. Shared helpers live in
// bench/lib/ and are never run on their own.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { basename } from 'node:path';

const dir = import.meta.dirname;
const wanted = process.argv.slice(2);
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.ts') && f !== 'run.ts' && !f.endsWith('.test.ts'))
  .filter((f) => wanted.length === 0 || wanted.some((w) => f.includes(w)))
  .sort();

let failed = 0;
for (const file of files) {
  console.log(`\n=== bench ${basename(file, '.ts')}`);
  const r = spawnSync(process.execPath, [`${dir}/${file}`], { stdio: 'inherit' });
  if (r.status !== 0) {
    failed++;
    console.log(`bench ${file}: exited ${r.status}`);
  }
}
process.exit(failed ? 1 : 0);
