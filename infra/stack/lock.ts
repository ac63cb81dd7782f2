// A cross-process lock file per service, so parallel test files never start or stop the same service at once.

import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sleep } from '@proctor/contracts';

function holderAlive(file: string): boolean {
  try {
    process.kill(Number(readFileSync(file, 'utf8')), 0);
    return true;
  } catch (err) {
    // EPERM: it exists but is not ours to signal, so it is alive.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export async function withLock<T>(dir: string, name: string, fn: () => Promise<T>, timeoutMs = 180_000): Promise<T> {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}.lock`);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      writeFileSync(file, String(process.pid), { flag: 'wx' });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      // A lock left by a crashed process is stale; take it over.
      if (!holderAlive(file)) rmSync(file, { force: true });
      else if (Date.now() > deadline) throw new Error(`timed out waiting for lock ${file}`);
      else await sleep(100);
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(file, { force: true });
  }
}
