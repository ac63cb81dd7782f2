// Heartbeats of one isolate share a produce call. A heartbeat is the edge's most frequent request, and its one
// Kafka REST subrequest is most of its cost: workerd's HTTP client is about 1 ms of process CPU a call here, five
// times the request's own, and each call is a produce request for the REST proxy and the brokers too. So the first
// heartbeat into an empty batch leads it: it waits `windowMs`, then produces every record that joined in one call,
// in its own request (and under waitUntil, so a client that hangs up does not cancel the others' produce). The others
// follow: each answers once the batch settled, with the batch's result, so a 200 still means the heartbeat is
// durable in Kafka and a failed produce is still a 503 to each of them.
//
// A Worker must not settle one request's promise from another's I/O (workerd drops the continuation when the other
// request ends first). So a follower never awaits the leader's promise: it reads the batch's settled result, plain
// data, waking on its own timers. A follower whose leader never settles (its request was torn down) produces its
// own record after `followMs`: at most once more in Kafka, which a heartbeat may be (the processor only moves a
// deadline).
import type { EventProducer, KafkaRecord } from './producer.ts';

type ProduceResult = Awaited<ReturnType<EventProducer['produce']>>;

interface Batch {
  topic: string;
  records: KafkaRecord[];
  /** When the leader produces (ms, the isolate's clock). */
  flushAt: number;
  settled?: ProduceResult;
}

export interface CoalesceOptions {
  /** How long a batch gathers records after its first; 0 produces each record on its own. */
  windowMs: number;
  /** How long a follower waits for its batch to settle before it produces its record itself. */
  followMs: number;
  /** Records one call carries at most; a full batch is closed and the next record leads a new one. */
  maxRecords: number;
  now(): number;
  sleep(ms: number): Promise<void>;
  /** Keeps the leader's produce running past its own response (the Worker's ctx.waitUntil). */
  waitUntil(work: Promise<unknown>): void;
}

/** Between a follower's checks once its batch should have been produced. */
const POLL_MS = 4;

/** One isolate's open batch per topic: isolate-lifetime state, plain data only. */
export function createCoalescer() {
  const open = new Map<string, Batch>();

  return async function produceCoalesced(
    producer: EventProducer,
    topic: string,
    record: KafkaRecord,
    o: CoalesceOptions,
  ): Promise<ProduceResult> {
    if (o.windowMs <= 0) return producer.produce(topic, [record]);
    const joined = open.get(topic);
    if (joined && joined.records.length < o.maxRecords && joined.settled === undefined) {
      joined.records.push(record);
      return follow(producer, joined, record, o);
    }
    const batch: Batch = { topic, records: [record], flushAt: o.now() + o.windowMs };
    open.set(topic, batch);
    const work = (async () => {
      await o.sleep(o.windowMs);
      if (open.get(topic) === batch) open.delete(topic);
      batch.settled = await producer.produce(topic, batch.records);
    })();
    o.waitUntil(work);
    await work;
    return batch.settled as ProduceResult;
  };

  async function follow(
    producer: EventProducer,
    batch: Batch,
    record: KafkaRecord,
    o: CoalesceOptions,
  ): Promise<ProduceResult> {
    const giveUpAt = batch.flushAt + o.followMs;
    await o.sleep(Math.max(1, batch.flushAt - o.now() + POLL_MS));
    while (batch.settled === undefined && o.now() < giveUpAt) await o.sleep(POLL_MS);
    return batch.settled ?? producer.produce(batch.topic, [record]);
  }
}
