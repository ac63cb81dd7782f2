// The processor over three edge shards (EDGE_REDIS_URLS), as a real process against Kafka, Redis and MariaDB: liveness
// is the processor's own (REDIS_URL) whatever the edge's shards are, so its sweeper reports a lapse there as one
// alert and never sweeps an edge shard (the edge writes no liveness; a deadline found there is not a session's).
import { livenessKey, livenessShard, shardOf } from '@proctor/contracts';
import { createRedisClient, type RedisClient } from '@proctor/contracts/redis';
import { dropPrefix } from '@proctor/testkit';
import { produceRecords, REDIS_URL, waitFor } from '@proctor/testkit/stack';
import { afterEach, describe, expect, it } from 'vitest';
import { newSessions, startedRecord } from '../../test/events.ts';
import { processorUnderTest } from '../../test/processorUnderTest.ts';

const SHARDS = 3;
const processors = processorUnderTest();
const shardUrls = Array.from({ length: SHARDS }, (_, i) => {
  const url = new URL(REDIS_URL);
  url.pathname = `/${i + 1}`;
  return url.toString();
});
let shards: RedisClient[] = [];
let prefix = '';

afterEach(async () => {
  for (const r of shards) {
    await dropPrefix(r, prefix);
    r.disconnect();
  }
  shards = [];
});

describe('liveness with three edge shards configured', () => {
  it('tracks and sweeps on REDIS_URL only: a lapse becomes one connection-lost alert, an edge shard is never swept', async () => {
    const env = await processors.setup(1);
    prefix = env.prefix;
    shards = shardUrls.map((url) => createRedisClient(url));
    const [lapsed, edgeOnly] = await newSessions(2, 'tenant-shards');
    // A start long ago: the processor moves its deadline (receivedAt + the window, long past) on its own Redis.
    const started = startedRecord(undefined, lapsed!);
    await produceRecords(env.producer, env.topic, [started]);
    // A lapsed deadline on the other session's edge shard, where the old design kept liveness: a sweeper of the edge's
    // shards would claim it (remove it).
    const edgeKey = livenessKey(livenessShard(edgeOnly!.sessionId), prefix);
    const edgeShard = shards[shardOf({ session: edgeOnly!.sessionId }, SHARDS)]!;
    await edgeShard.zadd(edgeKey, Date.now() - 5000, edgeOnly!.sessionId);

    await processors.run({
      EDGE_REDIS_URLS: shardUrls.join(','),
      SWEEP_ENABLED: 'true',
      SWEEP_INTERVAL_MS: '200',
      SWEEP_SHARDS_PER_TICK: '64',
    });
    await waitFor('connection-lost alert', async () => {
      const [rows] = await env.db.pool.query("SELECT 1 FROM alerts WHERE rule = 'connection_lost'");
      return (rows as unknown[]).length > 0;
    });
    // Several more full sweeps (64 liveness shards a 200 ms tick).
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const [rows] = await env.db.pool.query('SELECT session_id, rule FROM alerts');
    expect(rows).toEqual([{ session_id: lapsed!.sessionId, rule: 'connection_lost' }]);
    expect(await env.redis.zscore(livenessKey(livenessShard(lapsed!.sessionId), prefix), lapsed!.sessionId)).toBeNull();
    expect(await edgeShard.zscore(edgeKey, edgeOnly!.sessionId)).not.toBeNull();
    for (const r of shards) {
      expect(await r.zscore(livenessKey(livenessShard(lapsed!.sessionId), prefix), lapsed!.sessionId)).toBeNull();
    }
  });
});
