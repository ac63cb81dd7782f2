import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { sleep } from './sleep.ts';

describe('sleep', () => {
  it('resolves once the time has passed, not before', async () => {
    const t = performance.now();
    await sleep(30);
    expect(performance.now() - t).toBeGreaterThanOrEqual(29);
  });

  it('resolves at once when its signal aborts, and for an already aborted signal', async () => {
    const stop = new AbortController();
    const waiting = sleep(60_000, stop.signal);
    stop.abort();
    await waiting;
    await sleep(60_000, stop.signal);
  });
});

describe('sleep on a shared signal', () => {
  it('holds one abort listener however many sleep on it, and wakes them all', async () => {
    const stop = new AbortController();
    const waiting = Array.from({ length: 1000 }, () => sleep(60_000, stop.signal));
    expect(getEventListeners(stop.signal, 'abort')).toHaveLength(1);
    stop.abort();
    await Promise.all(waiting);
    expect(getEventListeners(stop.signal, 'abort')).toHaveLength(0);
  });
});
