import { describe, expect, it } from 'vitest';
import { backoffDelay, isRetriable, RetryAborted, withRetry } from './retry.ts';

const withCode = (code: string, extra: object = {}) => Object.assign(new Error(code), { code, ...extra });

describe('retry', () => {
  it.each([
    { err: withCode('ECONNREFUSED'), want: true },
    { err: withCode('PROTOCOL_CONNECTION_LOST'), want: true },
    { err: withCode('ER_LOCK_DEADLOCK'), want: true },
    { err: withCode('ER_PARSE_ERROR'), want: false },
    { err: Object.assign(new Error('kafka'), { retriable: false, code: 'ECONNRESET' }), want: false },
    { err: Object.assign(new Error('kafka'), { retriable: true }), want: true },
    { err: new Error('Connection is closed.'), want: true },
    { err: new Error('CLUSTERDOWN The cluster is down'), want: true },
    { err: new Error('Too many Cluster redirections. Last error: Error: MOVED 1 127.0.0.1:1'), want: true },
    { err: new Error('Failed to refresh slots cache.'), want: true },
    { err: new Error("CROSSSLOT Keys in request don't hash to the same slot"), want: false },
    { err: new Error('WRONGTYPE Operation against a key'), want: false },
    { err: new TypeError('x is undefined'), want: false },
  ])('classifies $err.message as retriable=$want', ({ err, want }) => {
    expect(isRetriable(err)).toBe(want);
  });

  it('backs off exponentially up to a cap', () => {
    expect([1, 2, 3, 10].map((a) => backoffDelay(a, 100, 1000))).toEqual([100, 200, 400, 1000]);
  });

  it('retries retriable errors, then succeeds', async () => {
    let calls = 0;
    const waits: number[] = [];
    const out = await withRetry(
      async () => {
        if (++calls < 3) throw withCode('ECONNRESET');
        return 'done';
      },
      { step: 't', sleep: async (ms) => void waits.push(ms) },
    );
    expect(out).toBe('done');
    expect(waits).toEqual([100, 200]);
  });

  it('rethrows a non-retriable error at once', async () => {
    let calls = 0;
    const fail = withRetry(
      async () => {
        calls++;
        throw new TypeError('bug');
      },
      { step: 't', sleep: async () => undefined },
    );
    await expect(fail).rejects.toThrow('bug');
    expect(calls).toBe(1);
  });

  it('gives up when told to stop', async () => {
    const fail = withRetry(
      async () => {
        throw withCode('ECONNREFUSED');
      },
      { step: 't', shouldAbort: () => true, sleep: async () => undefined },
    );
    await expect(fail).rejects.toBeInstanceOf(RetryAborted);
  });
});
