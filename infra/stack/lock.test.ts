// The stack lock: one holder at a time across processes, and a holder that dies (even by SIGKILL) frees it at once.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sleep } from '@proctor/contracts';
import { afterEach, describe, expect, it } from 'vitest';

const lockModule = new URL('./lock.ts', import.meta.url).pathname;
const dirs: string[] = [];
const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A waiter in its own process: takes the lock, logs enter/leave around a hold of `holdMs`, prints "done". */
function waiter(dir: string, log: string, id: string, holdMs: number): ChildProcess {
  const script = `
    import { appendFileSync } from 'node:fs';
    const { withLock } = await import(${JSON.stringify(lockModule)});
    await withLock(${JSON.stringify(dir)}, 'kafka', async () => {
      appendFileSync(${JSON.stringify(log)}, 'enter ${id}\\n');
      process.stdout.write('holding\\n');
      await new Promise((r) => setTimeout(r, ${holdMs}));
      appendFileSync(${JSON.stringify(log)}, 'leave ${id}\\n');
    }, 20_000);
    process.stdout.write('done\\n');`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  return child;
}

/** A fresh lock directory (removed after the test) and the waiters' shared log in it. */
function lockDir(): { dir: string; log: string } {
  const dir = mkdtempSync(join(tmpdir(), 'lock-'));
  dirs.push(dir);
  return { dir, log: join(dir, 'log') };
}

/** Every `enter X` is followed by `leave X` before anyone else enters: one holder at a time. */
function expectOneAtATime(lines: string[], holders: number): void {
  expect(lines).toHaveLength(2 * holders);
  for (let i = 0; i < lines.length; i += 2) {
    const id = lines[i]!.split(' ')[1];
    expect([lines[i], lines[i + 1]]).toEqual([`enter ${id}`, `leave ${id}`]);
  }
}

const printed = (child: ChildProcess, line: string) =>
  new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes(line)) resolve();
    });
    child.once('exit', (code) =>
      out.includes(line) ? resolve() : reject(new Error(`exited ${code} before "${line}"`)),
    );
  });

// Each waiter is a Node process (about a second to start on a busy 2-core box).
describe('withLock', { timeout: 30_000 }, () => {
  it('lets four concurrent waiters in one at a time', async () => {
    const { dir, log } = lockDir();
    const all = ['a', 'b', 'c', 'd'].map((id) => waiter(dir, log, id, 150));
    await Promise.all(all.map((c) => printed(c, 'done')));
    expectOneAtATime(readFileSync(log, 'utf8').trim().split('\n'), 4);
  });

  it('is free at once when its holder is killed, and a second waiter takes it', async () => {
    const { dir, log } = lockDir();
    const holder = waiter(dir, log, 'killed', 60_000);
    await printed(holder, 'holding');
    const next = waiter(dir, log, 'next', 10);
    const nextDone = printed(next, 'done');
    await sleep(500);
    expect(readFileSync(log, 'utf8')).not.toContain('enter next');
    holder.kill('SIGKILL');
    await nextDone;
    expect(readFileSync(log, 'utf8').trim().split('\n')).toEqual(['enter killed', 'enter next', 'leave next']);
  });

  it('lets the waiters of a killed holder in one at a time (none takes over a lock another just took)', async () => {
    const { dir, log } = lockDir();
    const holder = waiter(dir, log, 'killed', 60_000);
    await printed(holder, 'holding');
    const waiting = ['a', 'b', 'c', 'd', 'e', 'f'].map((id) => waiter(dir, log, id, 300));
    await sleep(1500);
    holder.kill('SIGKILL');
    await Promise.all(waiting.map((c) => printed(c, 'done')));
    expectOneAtATime(readFileSync(log, 'utf8').trim().split('\n').slice(1), 6);
  });

  it('keeps two state directories apart', async () => {
    const [one, two] = [lockDir(), lockDir()];
    const holder = waiter(one.dir, one.log, 'one', 60_000);
    await printed(holder, 'holding');
    await printed(waiter(two.dir, two.log, 'two', 10), 'done');
  });
});
