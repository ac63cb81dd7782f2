// The delaying proxy adds its round trip and keeps the bytes in order (loopback only: an echo server of its own).
import type { AddressInfo } from 'node:net';
import { connect, createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DelayProxy, startDelayProxy } from './delayProxy.ts';

const echo = createServer((s) => s.pipe(s));
let proxy: DelayProxy;

beforeAll(async () => {
  await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
  proxy = await startDelayProxy('127.0.0.1', (echo.address() as AddressInfo).port, 60);
});
afterAll(async () => {
  await proxy.close();
  await new Promise<void>((resolve) => echo.close(() => resolve()));
});

/** Writes `parts` one after another and resolves with what came back and when the last byte did. */
function roundTrip(parts: string[]): Promise<{ text: string; ms: number }> {
  return new Promise((resolve, reject) => {
    const expected = parts.join('');
    const socket = connect(proxy.port, '127.0.0.1');
    let text = '';
    const t0 = performance.now();
    socket.on('error', reject);
    socket.on('data', (chunk) => {
      text += chunk.toString();
      if (text.length >= expected.length) {
        socket.destroy();
        resolve({ text, ms: performance.now() - t0 });
      }
    });
    socket.on('connect', () => {
      for (const p of parts) socket.write(p);
    });
  });
}

describe('startDelayProxy', () => {
  it('adds its round trip', async () => {
    const { ms } = await roundTrip(['ping']);
    expect(ms).toBeGreaterThanOrEqual(58);
  });

  it('keeps the order of what it forwards', async () => {
    const parts = Array.from({ length: 50 }, (_, i) => `${i},`);
    expect((await roundTrip(parts)).text).toBe(parts.join(''));
  });
});
