// The heartbeat coalescer's coordination (pure logic over a recording producer and real timers).
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
  now: Date.now,
  sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
  waitUntil: () => {},
  ...o,
});
const record = (i: number): KafkaRecord => ({ key: `s${i}`, value: { i } });

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
});
