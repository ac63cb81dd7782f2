// The processor over three edge shards (EDGE_REDIS_URLS) on real MariaDB and Redis: erasure writes each session's
// tombstone and closes its edge keys on the session's shard only, and its tombstone, state and liveness on REDIS_URL,
// where the consumer's checkpoint load then sees it erased.
import { createHash } from 'node:crypto';
import {
  livenessKey,
  livenessShard,
  type Shards,
  sessionStateKey,
  sessionTombstoneKey,
  shardList,
  shardOf,
  thumbnailSlotsKey,
} from '@proctor/contracts';
import { createRedisClient, type RedisClient } from '@proctor/contracts/redis';
import { dropPrefix, freshDatabase } from '@proctor/testkit';
import { newRedis, REDIS_URL, randomName } from '@proctor/testkit/stack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCheckpointStore, stateKey } from '../state/sessionCheckpoints.ts';
import { runPendingErasures } from './erasure.ts';

const SHARDS = 3;
let db: Awaited<ReturnType<typeof freshDatabase>>;
let own: RedisClient;
let edge: Shards<RedisClient>;
const prefix = randomName('edge-shards');
const sid = (s: string) => createHash('sha256').update(s).digest('hex');

/** The edge's shards on Redis databases 1–3 of the stack's Redis; the processor's own state on REDIS_URL. */
function shardUrl(i: number): string {
  const url = new URL(REDIS_URL);
  url.pathname = `/${i + 1}`;
  return url.toString();
}

beforeAll(async () => {
  db = await freshDatabase({ prefix: 'edge_shards' });
  own = newRedis();
  edge = shardList(Array.from({ length: SHARDS }, (_, i) => createRedisClient(shardUrl(i))));
});

afterAll(async () => {
  for (const r of [own, ...(edge?.all ?? [])]) {
    await dropPrefix(r, prefix);
    await r.quit();
  }
  await db?.drop();
});

/** The shards (indexes) where `key` exists. */
const holders = async (key: string) =>
  (await Promise.all(edge.all.map((r) => r.exists(key)))).flatMap((n, i) => (n ? [i] : []));

describe('erasure over three edge shards', () => {
  it('closes each session on its own shard and deletes its state on the processor’s Redis', async () => {
    // Sessions until each shard holds at least one of the candidate's.
    const ids: string[] = [];
    for (let i = 0; new Set(ids.map((id) => shardOf({ session: id }, SHARDS))).size < SHARDS; i++) {
      ids.push(sid(`${prefix}/victim/${i}`));
    }
    const kept = sid(`${prefix}/kept`);
    await db.pool.query(
      'INSERT INTO sessions (session_id, tenant_id, exam_schedule_id, user_id, attempt_no, exam_config, started_at) VALUES ?',
      [
        [
          ...ids.map((id) => [id, 't-s', 'exam-1', 'u-erase', 1, '{}', new Date()]),
          [kept, 't-s', 'exam-1', 'u-keep', 1, '{}', new Date()],
        ],
      ],
    );
    for (const id of [...ids, kept]) {
      const shard = edge.session(id);
      await shard.hset(sessionStateKey(id, prefix), 'status', 'active', 'm:e1', 'd');
      await shard.set(thumbnailSlotsKey(id, prefix), 'x');
      await own.set(stateKey(id, prefix), 'x');
      await own.zadd(livenessKey(livenessShard(id), prefix), Date.now(), id);
    }
    await db.pool.query(
      "INSERT INTO erasure_requests (tenant_id, user_id, requested_by) VALUES ('t-s', 'u-erase', 'admin-1')",
    );

    const [done] = await runPendingErasures(db.pool, own, prefix, 10, undefined, edge);
    // Per session: its state hash and thumbnail slots on its shard, its state on the processor's Redis.
    expect(done?.counts).toMatchObject({ sessions: ids.length, redisKeys: 3 * ids.length });
    for (const id of ids) {
      const s = shardOf({ session: id }, SHARDS);
      expect(await holders(sessionTombstoneKey(id, prefix))).toEqual([s]);
      expect(await edge.all[s]!.get(sessionTombstoneKey(id, prefix))).toBe('erased');
      // The state (with its marks) is replaced by the expiring erased marker, on the session's shard only.
      expect(await holders(sessionStateKey(id, prefix))).toEqual([s]);
      expect(await edge.all[s]!.hgetall(sessionStateKey(id, prefix))).toEqual({ status: 'erased' });
      expect(await edge.all[s]!.ttl(sessionStateKey(id, prefix))).toBeGreaterThan(0);
      expect(await holders(thumbnailSlotsKey(id, prefix))).toEqual([]);
      // The processor's own: its tombstone (what the consumer reads), no state, no liveness.
      expect(await own.get(sessionTombstoneKey(id, prefix))).toBe('erased');
      expect(await own.exists(stateKey(id, prefix))).toBe(0);
      expect(await own.zscore(livenessKey(livenessShard(id), prefix), id)).toBeNull();
      expect(await own.exists(sessionStateKey(id, prefix))).toBe(0);
    }
    // The consumer's checkpoint load (on REDIS_URL alone) now drops their records.
    const loaded = await createCheckpointStore(own, prefix).load(ids);
    expect(ids.map((id) => loaded.get(id)?.erased)).toEqual(ids.map(() => true));

    expect(await holders(sessionStateKey(kept, prefix))).toEqual([shardOf({ session: kept }, SHARDS)]);
    expect(await holders(thumbnailSlotsKey(kept, prefix))).toEqual([shardOf({ session: kept }, SHARDS)]);
    expect(await own.exists(stateKey(kept, prefix))).toBe(1);
    expect(await own.zscore(livenessKey(livenessShard(kept), prefix), kept)).not.toBeNull();
    expect(await holders(sessionTombstoneKey(kept, prefix))).toEqual([]);
    expect(await own.exists(sessionTombstoneKey(kept, prefix))).toBe(0);
    expect((await createCheckpointStore(own, prefix).load([kept])).get(kept)?.erased).toBe(false);
  });
});
