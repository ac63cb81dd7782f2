// One edge per integration test file: a random Kafka topic, a random Redis key prefix, real workerd. Node only.
import { randomUUID } from 'node:crypto';
import { stackConfig } from '@proctor/infra/stack/config';
import { Redis } from '@upstash/redis';
import { createTestTopic, type TestTopic } from './kafkaTopic.ts';
import { type StartEdgeOptions, type StartedEdge, startEdge } from './startEdge.ts';

export interface EdgeUnderTest {
  edge: StartedEdge;
  topic: TestTopic;
  prefix: string;
  /** A Node-side Upstash client on the same shim, to look at what the edge wrote. */
  redis: Redis;
  stop(): Promise<void>;
}

export function stackRedis(): Redis {
  const { shim } = stackConfig();
  return new Redis({ url: shim.url, token: shim.token, automaticDeserialization: false, enableTelemetry: false });
}

export async function startEdgeUnderTest(options: StartEdgeOptions = {}): Promise<EdgeUnderTest> {
  const topic = await createTestTopic();
  const prefix = `edge-test-${randomUUID().slice(0, 8)}`;
  const edge = await startEdge({
    ...options,
    env: { KAFKA_TOPIC: topic.name, REDIS_KEY_PREFIX: prefix, ...options.env },
  }).catch(async (err) => {
    await topic.delete();
    throw err;
  });
  const redis = stackRedis();
  return {
    edge,
    topic,
    prefix,
    redis,
    async stop() {
      await edge.stop();
      await topic.delete();
      await deleteByPrefix(redis, prefix);
    },
  };
}

/** Deletes every key under `prefix:` (tests and benchmarks clean up after themselves). */
export async function deleteByPrefix(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, { match: `${prefix}:*`, count: 500 });
    if (keys.length > 0) await redis.del(...keys);
    cursor = String(next);
  } while (cursor !== '0');
}
