// The private servers' lifecycle: a server stopped is gone, even when start() was called on it while it ran.
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from './net.ts';
import { privateRedis } from './privateServers.ts';

const dir = mkdtempSync(join(tmpdir(), 'private-servers-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Whether something accepts TCP connections on the port. */
const listening = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

describe('privateRedis', () => {
  it('start() on a running server keeps its one process, and stop() leaves nothing listening', async () => {
    const port = await freePort();
    const server = await privateRedis(dir, port);
    const pid = server.pid();
    await server.start();
    expect(server.pid()).toBe(pid);
    await server.stop();
    expect(await listening(port)).toBe(false);
    // And it comes back on the same port after a stop.
    await server.start();
    expect(await listening(port)).toBe(true);
    await server.stop();
    expect(await listening(port)).toBe(false);
  });
});
