// The shared produce's coordination (pure logic over a recording producer and real timers).
import { describe, expect, it } from 'vitest';
import { type CoalesceOptions, createCoalescer } from './coalesce.ts';
import type { EventProducer, KafkaRecord } from './producer.ts';

type Result = Awaited<ReturnType<EventProducer['produce']>>;

function recorder(answer: (records: KafkaRecord[]) => Promise<Result> = async () => ({ ok: true })) {
  const calls: KafkaRecord[][] = [];
  const producer: EventProducer = {
    produce: (_topic, records) => {
      calls.push([...records]);
      return answer(records);
    },
  };
  return { calls, producer };
}

const options = (o: Partial<CoalesceOptions> = {}): CoalesceOptions => ({
  windowMs: 30,
  followMs: 200,
  maxRecords: 100,
  maxBytes: 100_000,
  bytes: 100,
  now: Date.now,
  sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
  waitUntil: () => {},
  ...o,
});
const record = (i: number): KafkaRecord[] => [{ key: `s${i}`, value: { i } }];

describe('produceCoalesced', () => {
  it('produces the records of one window in one call, and answers each with its result', async () => {
    const { calls, producer } = recorder();
    const produce = createCoalescer();
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => produce(producer, 't', record(i), options())),
    );
    expect(results).toEqual(Array.from({ length: 20 }, () => ({ ok: true })));
    expect(calls).toHaveLength(1);
    expect(calls[0]!.map((r) => r.key)).toEqual(Array.from({ length: 20 }, (_, i) => `s${i}`));
    // The next one after the window leads a batch of its own.
    expect(await produce(producer, 't', record(99), options())).toEqual({ ok: true });
    expect(calls).toHaveLength(2);
  });

  it('gives every record of a failed produce the failure, never a success', async () => {
    const { calls, producer } = recorder(async () => ({ ok: false, reason: 'kafka rest answered 500' }));
    const produce = createCoalescer();
    const results = await Promise.all(
      Array.from({ length: 5 }, (_, i) => produce(producer, 't', record(i), options())),
    );
    expect(calls).toHaveLength(1);
    for (const r of results) expect(r).toEqual({ ok: false, reason: 'kafka rest answered 500' });
  });

  it('keeps topics apart and closes a full batch', async () => {
    const { calls, producer } = recorder();
    const produce = createCoalescer();
    await Promise.all([
      ...Array.from({ length: 7 }, (_, i) => produce(producer, 'a', record(i), options({ maxRecords: 3 }))),
      produce(producer, 'b', record(9), options({ maxRecords: 3 })),
    ]);
    expect(calls.map((c) => c.length).sort()).toEqual([1, 1, 3, 3]);
  });

  it('a follower whose leader never settles produces its own record after followMs', async () => {
    let first = true;
    const { calls, producer } = recorder(() => {
      if (first) {
        first = false;
        return new Promise<Result>(() => {}); // the leader's request was torn down mid-produce
      }
      return Promise.resolve({ ok: true });
    });
    const produce = createCoalescer();
    const leader = produce(producer, 't', record(0), options({ followMs: 60 }));
    const follower = await produce(producer, 't', record(1), options({ followMs: 60 }));
    expect(follower).toEqual({ ok: true });
    expect(calls.map((c) => c.map((r) => r.key))).toEqual([['s0', 's1'], ['s1']]);
    void leader;
  });

  it('produces each record on its own with a window of 0', async () => {
    const { calls, producer } = recorder();
    const produce = createCoalescer();
    await Promise.all(Array.from({ length: 3 }, (_, i) => produce(producer, 't', record(i), options({ windowMs: 0 }))));
    expect(calls).toHaveLength(3);
  });

  it('hands the leader’s produce to waitUntil, so a client hanging up does not cancel the others’', async () => {
    const { producer } = recorder();
    const kept: Promise<unknown>[] = [];
    const produce = createCoalescer();
    await Promise.all(
      [0, 1, 2].map((i) => produce(producer, 't', record(i), options({ waitUntil: (w) => kept.push(w) }))),
    );
    expect(kept).toHaveLength(1);
  });

  it('keeps a request’s records together and in order, and closes a batch that cannot take them', async () => {
    const { calls, producer } = recorder();
    const produce = createCoalescer();
    const batch = (s: string, n: number): KafkaRecord[] =>
      Array.from({ length: n }, (_, i) => ({ key: s, value: { i } }));
    await Promise.all([
      produce(producer, 't', batch('a', 3), options({ maxRecords: 5 })),
      produce(producer, 't', batch('b', 2), options({ maxRecords: 5 })),
      produce(producer, 't', batch('c', 3), options({ maxRecords: 5 })), // 8 > 5: leads its own
    ]);
    expect(calls.map((c) => c.map((r) => `${r.key}${(r.value as { i: number }).i}`))).toEqual([
      ['a0', 'a1', 'a2', 'b0', 'b1'],
      ['c0', 'c1', 'c2'],
    ]);
  });

  it('closes a batch at its byte budget', async () => {
    const { calls, producer } = recorder();
    const produce = createCoalescer();
    await Promise.all(
      [0, 1, 2, 3].map((i) => produce(producer, 't', record(i), options({ maxBytes: 250, bytes: 100 }))),
    );
    expect(calls.map((c) => c.length)).toEqual([2, 2]);
  });

  it('a follower first looks when the isolate’s produces usually come back, not every few ms', async () => {
    const { producer } = recorder(() => new Promise<Result>((r) => setTimeout(() => r({ ok: true }), 60)));
    const produce = createCoalescer();
    await Promise.all([0, 1].map((i) => produce(producer, 't', record(i), options()))); // learns ≈ 60 ms
    let sleeps = 0;
    const counted = options({
      sleep: (ms) => {
        sleeps++;
        return new Promise((r) => setTimeout(r, ms));
      },
    });
    const leader = produce(producer, 't', record(2), options());
    expect(await produce(producer, 't', record(3), counted)).toEqual({ ok: true });
    await leader;
    // A 4 ms poll from the flush on would wake it about 15 times over a 60 ms produce.
    expect(sleeps).toBeLessThanOrEqual(5);
  });
});
