// The session link against a scripted edge: a session the edge refuses for good (ended, erased) is never re-opened.
import type { AnomalyEvent } from '@proctor/contracts';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createSessionLink } from './sessionLink.ts';
import { createStatusStore } from './status.ts';
import type { ApiResult, EdgeApi } from './transport/edgeApi.ts';
import { createMemoryQueue } from './transport/eventQueue.ts';

const SESSION = 'a'.repeat(64);
const started = {
  session: { sessionId: SESSION, examConfig: { heartbeatIntervalSeconds: 15 } },
  resumed: false,
};
const event: AnomalyEvent = {
  eventId: '00000000-0000-4000-8000-000000000001',
  type: 'NO_FACE',
  timestamp: 1_767_225_600_000,
  confidence: 1,
  details: { durationMillis: 3000 },
};
const refused = (status: number, code: string): ApiResult<never> => ({
  ok: false,
  error: { kind: 'fatal', status, code, message: code },
});

/** An edge that starts the session once, then has lost it (404 on batches) and refuses every later start. */
function edgeThatClosed(code: string, status: number) {
  const calls: string[] = [];
  const api: EdgeApi = {
    async post(path) {
      calls.push(path);
      if (path === '/sessions/start') {
        return calls.filter((p) => p === path).length === 1
          ? { ok: true, value: started as never }
          : refused(status, code);
      }
      return refused(404, 'SESSION_NOT_FOUND');
    },
  };
  return { api, calls };
}

beforeEach(() => {
  vi.useFakeTimers();
  vi.stubGlobal('addEventListener', () => {});
  vi.stubGlobal('removeEventListener', () => {});
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('sessionLink', () => {
  it.each([
    ['SESSION_ERASED', 410],
    ['SESSION_ENDED', 409],
  ])('stops re-opening a session the edge answers %s for, and reports it', async (code, status) => {
    const { api, calls } = edgeThatClosed(code, status);
    const store = createStatusStore();
    const link = createSessionLink({
      api,
      queue: createMemoryQueue(),
      sessionId: SESSION,
      flushIntervalMs: 1000,
      status: store,
      backend: () => undefined,
      onStarted: (s) => s as never,
    });
    link.open();
    await vi.advanceTimersByTimeAsync(10);
    // The edge lost the session: the batch's 404 re-opens it once, and that start is refused for good.
    await link.enqueue([event], true);
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    link.close();

    expect(calls.filter((p) => p === '/sessions/start')).toHaveLength(2);
    expect(calls.filter((p) => p === '/events/batch')).toHaveLength(1);
    expect(store.current.connection).toBe('rejected');
    expect(store.current.error).toContain(code);
  });
});
