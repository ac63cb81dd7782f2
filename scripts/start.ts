// `npm start`: installs the workspace's dependencies if they are missing, then runs scripts/startServices.ts (the
// stack, the three services and a simulated exam). Only Node's own modules may be imported statically here: on a
// fresh clone no workspace package exists until the dependencies step has run (startEntry.test.ts holds this).
import { spawnSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
console.log('start: dependencies');
const deps = spawnSync('bash', ['scripts/ensure-deps.sh'], { cwd: root, stdio: 'inherit' });
if (deps.status !== 0) {
  console.error(`start: dependencies failed (exit ${deps.status}); see the messages above`);
  process.exit(1);
}
await import('./startServices.ts');
