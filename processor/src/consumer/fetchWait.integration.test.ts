// The consumer's fetch waits for bytes (KAFKA_FETCH_MIN_BYTES) at most KAFKA_FETCH_MAX_WAIT_MS: records that trickle
// in are applied together in one chunk instead of one chunk each, and still within the wait, not after kafkajs' own
// 5 s. Real Kafka, Redis and MariaDB.
import { sleep } from '@proctor/contracts';
import { produceRecords, waitFor } from '@proctor/testkit/stack';
import { describe, expect, it } from 'vitest';
import { newSessions, startedRecord } from '../../test/events.ts';
import { processorUnderTest } from '../../test/processorUnderTest.ts';

const processors = processorUnderTest();

describe('consumer fetch wait', () => {
  it('gathers records that trickle in into one chunk, and applies them within the wait', async () => {
    const env = await processors.setup(1);
    const p = await processors.run({ KAFKA_FETCH_MIN_BYTES: String(1024 * 1024), KAFKA_FETCH_MAX_WAIT_MS: '1000' });
    const applied = () => p.metric('processor_messages_processed_total');
    const chunks = () => p.metric('processor_chunk_duration_ms_count');
    const [warm, ...trickle] = await newSessions(7);
    // The first record shows the consumer fetching (its first fetch may come a while after the group joins).
    await produceRecords(env.producer, env.topic, [startedRecord(undefined, warm!)]);
    await waitFor('first record applied', async () => (await applied()) === 1);
    const chunksBefore = await chunks();

    // Six records 30 ms apart: a fetch that answered on the first byte would make a chunk of nearly each.
    const t0 = Date.now();
    for (const s of trickle) {
      await produceRecords(env.producer, env.topic, [startedRecord(undefined, s)]);
      await sleep(30);
    }
    await waitFor('the trickle applied', async () => (await applied()) === 7, 10_000);
    const tookMs = Date.now() - t0;
    // One fetch wait (at most two, when one ended mid-trickle) and the chunks' own work; kafkajs' default is 5 s.
    expect(tookMs).toBeLessThan(3000);
    expect((await chunks()) - chunksBefore).toBeLessThanOrEqual(2);
  });
});
