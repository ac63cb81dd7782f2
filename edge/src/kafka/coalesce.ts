// An isolate's produces share calls. Heartbeats are the edge's most frequent request and event batches the next, and
// each one's Kafka REST subrequest is most of its cost: workerd's HTTP client is about 1 ms of process CPU a call here,
// several times the request's own, and each call is a produce request for the REST proxy and the brokers too. So the
// first request into an empty batch leads it: it waits its window, then produces every record that joined in one
// call, in its own request (and under waitUntil, so a client that hangs up does not cancel the others' produce). The
// others follow: each answers once the batch settled, with the batch's result, so a 2xx still means the request's
// records are durable in Kafka and a failed produce is still a 503 to each of them. A request's records stay together
// and in order in one call, so a session's records keep their order on its partition.
//
// A Worker must not settle one request's promise from another's I/O (workerd drops the continuation when the other
// request ends first). So a follower never awaits the leader's promise: it reads the batch's settled result, plain
// data, waking on its own timers: first when the batch's produce usually comes back (an average of the isolate's
// recent ones), then every few ms. A follower whose leader never settles (its request was torn down) produces its own
// records after `followMs`: at most once more in Kafka, which the processor absorbs (a heartbeat only moves a
// deadline, an event is deduplicated by its id).
import type { EventProducer, KafkaRecord } from './producer.ts';

type ProduceResult = Awaited<ReturnType<EventProducer['produce']>>;

interface Batch {
  topic: string;
  records: KafkaRecord[];
  /** The records' estimated size on the wire (bytes). */
  bytes: number;
  /** When the leader produces (ms, the isolate's clock). */
  flushAt: number;
  settled?: ProduceResult;
}

export interface CoalesceOptions {
  /** How long a batch gathers records after its first; 0 produces each request's records on their own. */
  windowMs: number;
  /** How long a follower waits for its batch to settle before it produces its records itself. */
  followMs: number;
  /** Records one call carries at most; a batch that cannot take a request's records is closed, and they lead anew. */
  maxRecords: number;
  /** Estimated bytes one call carries at most, likewise (REST proxies cap a request's body). */
  maxBytes: number;
  /** The estimated size of this request's records on the wire. */
  bytes: number;
  now(): number;
  sleep(ms: number): Promise<void>;
  /** Keeps the leader's produce running past its own response (the Worker's ctx.waitUntil). */
  waitUntil(work: Promise<unknown>): void;
}

/** Between a follower's checks once its batch should have been produced. */
const POLL_MS = 4;
/** A follower's first check comes this share of the recent produce time after the flush (most find it settled). */
const FIRST_CHECK_SHARE = 0.9;

/** One isolate's open batch per topic: isolate-lifetime state, plain data only. */
export function createCoalescer() {
  const open = new Map<string, Batch>();
  /** A moving average of the isolate's produce calls (ms): when a follower first looks. */
  let produceMs = 0;

  return async function produceCoalesced(
    producer: EventProducer,
    topic: string,
    records: KafkaRecord[],
    o: CoalesceOptions,
  ): Promise<ProduceResult> {
    if (o.windowMs <= 0) return producer.produce(topic, records);
    const joined = open.get(topic);
    if (
      joined &&
      joined.settled === undefined &&
      joined.records.length + records.length <= o.maxRecords &&
      joined.bytes + o.bytes <= o.maxBytes
    ) {
      joined.records.push(...records);
      joined.bytes += o.bytes;
      return follow(producer, joined, records, o);
    }
    const batch: Batch = { topic, records: [...records], bytes: o.bytes, flushAt: o.now() + o.windowMs };
    open.set(topic, batch);
    const work = (async () => {
      await o.sleep(o.windowMs);
      if (open.get(topic) === batch) open.delete(topic);
      const started = o.now();
      batch.settled = await producer.produce(topic, batch.records);
      produceMs = produceMs === 0 ? o.now() - started : 0.8 * produceMs + 0.2 * (o.now() - started);
    })();
    o.waitUntil(work);
    await work;
    return batch.settled as ProduceResult;
  };

  async function follow(
    producer: EventProducer,
    batch: Batch,
    records: KafkaRecord[],
    o: CoalesceOptions,
  ): Promise<ProduceResult> {
    const giveUpAt = batch.flushAt + o.followMs;
    const firstCheck = Math.max(POLL_MS, Math.round(FIRST_CHECK_SHARE * produceMs));
    await o.sleep(Math.max(1, batch.flushAt - o.now() + firstCheck));
    while (batch.settled === undefined && o.now() < giveUpAt) await o.sleep(POLL_MS);
    return batch.settled ?? producer.produce(batch.topic, records);
  }
}
