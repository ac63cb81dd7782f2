// The sender against a scripted edge: retries keep eventIds, Retry-After is honoured, nothing is sent twice.
import type { AnomalyEvent } from '@proctor/contracts';
import { describe, expect, it } from 'vitest';
import type { ApiResult, EdgeApi } from './edgeApi.ts';
import { createMemoryQueue } from './eventQueue.ts';
import { createEventSender } from './eventSender.ts';

const SESSION = 'a'.repeat(64);
const event = (n: number): AnomalyEvent => ({
  eventId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  type: 'NO_FACE',
  timestamp: 1_767_225_600_000 + n,
  confidence: 1,
  details: { durationMillis: 3000 },
});

function scriptedApi(script: Array<ApiResult<unknown> | 'accept'>) {
  const calls: Array<{ path: string; eventIds: string[] }> = [];
  const api: EdgeApi = {
    async post(path, body) {
      const eventIds = (body as { events: AnomalyEvent[] }).events.map((e) => e.eventId);
      calls.push({ path, eventIds });
      const step = script.shift() ?? 'accept';
      if (step === 'accept')
        return { ok: true, value: { accepted: eventIds.length, duplicates: 0, rejected: [] } as never };
      return step as never;
    },
  };
  return { api, calls };
}

function senderOnFakeClock(script: Parameters<typeof scriptedApi>[0], onSessionLost?: () => void) {
  let clock = 1_000_000;
  const timers: Array<{ at: number; fn: () => void }> = [];
  const { api, calls } = scriptedApi(script);
  const queue = createMemoryQueue();
  const states: string[] = [];
  const sender = createEventSender({
    api,
    queue,
    sessionId: SESSION,
    now: () => clock,
    setTimer: (fn, ms) => timers.push({ at: clock + ms, fn }),
    random: () => 1,
    onState: (s) => states.push(s),
    ...(onSessionLost ? { onSessionLost } : {}),
  });
  const advance = async (ms: number) => {
    clock += ms;
    const due = timers.filter((t) => t.at <= clock);
    timers.splice(0, timers.length, ...timers.filter((t) => t.at > clock));
    for (const t of due) t.fn();
    await new Promise((r) => setTimeout(r, 0));
  };
  return { sender, queue, calls, states, advance, timers };
}

describe('eventSender', () => {
  it('retries a network failure with backoff and delivers each event once with the same eventId', async () => {
    const network = { ok: false, error: { kind: 'network', message: 'offline' } } as const;
    const h = senderOnFakeClock([network, network, 'accept']);
    await h.sender.enqueue([event(1), event(2)], true);
    expect(h.states).toEqual(['offline']);
    await h.advance(1000); // first retry after 1 s (random=1 → full backoff)
    expect(h.states).toEqual(['offline', 'offline']);
    await h.advance(2000);
    expect(h.states.at(-1)).toBe('online');
    expect(h.calls.map((c) => c.eventIds)).toEqual(Array(3).fill([event(1).eventId, event(2).eventId]));
    expect(await h.queue.count(SESSION)).toBe(0);
    await h.sender.flush();
    expect(h.calls).toHaveLength(3); // nothing left to send
  });

  it('honours Retry-After from a 429 even for urgent events', async () => {
    const limited = {
      ok: false,
      error: { kind: 'retry', status: 429, message: 'slow down', retryAfterMs: 30_000 },
    } as const;
    const h = senderOnFakeClock([limited]);
    await h.sender.enqueue([event(1)], true);
    await h.sender.enqueue([event(2)], true); // urgent, but inside the Retry-After window
    expect(h.calls).toHaveLength(1);
    await h.advance(29_000);
    expect(h.calls).toHaveLength(1);
    await h.advance(1000);
    expect(h.calls).toHaveLength(2);
    expect(h.calls[1]!.eventIds).toEqual([event(1).eventId, event(2).eventId]);
    expect(h.sender.stats.accepted).toBe(2);
  });

  it('drops rejected and duplicate events from the queue but keeps events after an auth failure', async () => {
    const h = senderOnFakeClock([
      {
        ok: true,
        value: {
          accepted: 1,
          duplicates: 1,
          rejected: [{ index: 2, eventId: event(3).eventId, code: 'INVALID_EVENT', message: 'x' }],
        },
      },
      { ok: false, error: { kind: 'auth', status: 401, code: 'TOKEN_INVALID', message: 'bad token' } },
    ]);
    await h.sender.enqueue([event(1), event(2), event(3)], true);
    expect(await h.queue.count(SESSION)).toBe(0);
    expect(h.sender.stats).toMatchObject({ accepted: 1, duplicates: 1, rejected: 1 });
    await h.sender.enqueue([event(4)], true);
    expect(h.states.at(-1)).toBe('rejected');
    expect(await h.queue.count(SESSION)).toBe(1);
  });

  it('keeps events and asks for the session to be re-opened when the edge no longer knows it', async () => {
    const lost = {
      ok: false,
      error: { kind: 'fatal', status: 404, code: 'SESSION_NOT_FOUND', message: 'no such session' },
    } as const;
    let reopened = 0;
    const h = senderOnFakeClock([lost, 'accept'], () => reopened++);
    await h.sender.enqueue([event(1), event(2)], true);
    expect(reopened).toBe(1);
    expect(await h.queue.count(SESSION)).toBe(2);
    expect(h.states).toEqual(['retrying']);
    await h.sender.flush(); // what the re-opened session's start does
    expect(await h.queue.count(SESSION)).toBe(0);
    expect(h.calls.map((c) => c.eventIds)).toEqual([
      [event(1).eventId, event(2).eventId],
      [event(1).eventId, event(2).eventId],
    ]);
  });

  it('splits more than 100 queued events into batches within the edge limits', async () => {
    const h = senderOnFakeClock([]);
    await h.sender.enqueue(
      Array.from({ length: 250 }, (_, i) => event(i + 1)),
      false,
    );
    await h.sender.flush();
    expect(h.calls.map((c) => c.eventIds.length)).toEqual([100, 100, 50]);
    expect(new Set(h.calls.flatMap((c) => c.eventIds)).size).toBe(250);
  });
});
