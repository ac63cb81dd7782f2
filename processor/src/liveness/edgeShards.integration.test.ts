// The processor over three edge shards (EDGE_REDIS_URLS), as a real process against Kafka, Redis and MariaDB: the edge
// keeps a session's liveness on the session's shard, so a lapse there must still reach the proctor as one alert.
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

describe('liveness over three edge shards', () => {
  it('sweeps every shard: a lapse on the session’s shard becomes its one connection-lost alert', async () => {
    const env = await processors.setup(1);
    prefix = env.prefix;
    shards = shardUrls.map((url) => createRedisClient(url));
    // A session on the last shard, so that sweeping REDIS_URL or the first shard alone would miss it.
    let session = (await newSessions(1, 'tenant-shards'))[0]!;
    while (shardOf({ session: session.sessionId }, SHARDS) !== SHARDS - 1) {
      session = (await newSessions(1, 'tenant-shards'))[0]!;
    }
    const id = session.sessionId;
    await produceRecords(env.producer, env.topic, [startedRecord(undefined, session)]);
    const deadline = Date.now() - 5000;
    await shards[SHARDS - 1]!.zadd(livenessKey(livenessShard(id), prefix), deadline, id);

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
    const [rows] = await env.db.pool.query('SELECT session_id, rule, window_end FROM alerts');
    expect(rows).toEqual([{ session_id: id, rule: 'connection_lost', window_end: new Date(deadline) }]);
    expect(await shards[SHARDS - 1]!.zscore(livenessKey(livenessShard(id), prefix), id)).toBeNull();
  });
});
