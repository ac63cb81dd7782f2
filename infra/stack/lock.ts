// A cross-process lock per service, so parallel test files never start or stop the same service at once. The lock is
// a Linux abstract-namespace socket: binding its name is atomic, and the kernel frees the name when its holder exits,
// however it exits, so no waiter ever has to judge a lock stale and take it over (the race a lock file has).
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:net';
import { resolve } from 'node:path';
import { sleep } from '@proctor/contracts';

/** One name per lock directory and lock, so two stacks (two state dirs) never share a lock. */
const socketName = (dir: string, name: string) =>
  `\0proctor-lock-${createHash('sha256').update(resolve(dir, name)).digest('hex').slice(0, 40)}`;

/** The bound socket when the lock was free, undefined when another process holds it. */
function tryTake(path: string): Promise<Server | undefined> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', (err: NodeJS.ErrnoException) => (err.code === 'EADDRINUSE' ? done(undefined) : fail(err)));
    // Never keeps the process alive by itself; libuv opens it close-on-exec, so spawned services never inherit it.
    server.listen(path, () => done(server.unref()));
  });
}

export async function withLock<T>(dir: string, name: string, fn: () => Promise<T>, timeoutMs = 180_000): Promise<T> {
  const path = socketName(dir, name);
  const deadline = Date.now() + timeoutMs;
  let held = await tryTake(path);
  while (!held) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for lock ${name} of ${dir}`);
    await sleep(100);
    held = await tryTake(path);
  }
  try {
    return await fn();
  } finally {
    await new Promise((r) => held.close(r));
  }
}
