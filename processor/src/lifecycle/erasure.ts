// Erasure (GDPR Art. 17): carries out the admins' pending requests: every session of the candidate with its alerts,
// snapshots, audit entries and Redis keys; then the request row keeps who asked, when and counts, not the user id.
import {
  edgeSessionKeys,
  livenessKey,
  livenessShard,
  SESSION_TOMBSTONE_MAX_TTL_SECONDS,
  type Shards,
  sessionStateKey,
  sessionTombstoneKey,
  shardList,
} from '@proctor/contracts';
import type { ObjectStore } from '@proctor/contracts/objects';
import { execEach, type RedisClient, type RedisCommand } from '@proctor/contracts/redis';
import type { Pool, RowDataPacket } from 'mysql2/promise';
import { stateKey } from '../state/sessionCheckpoints.ts';
import { addCounts, type DeletedCounts, deleteSessions, emptyCounts } from './deleteSessions.ts';
import { eraseThumbnailsOf, RETENTION_BATCH } from './retention.ts';

export interface ErasureDone {
  requestId: number;
  tenantId: string;
  counts: DeletedCounts & { redisKeys: number; thumbnails: number };
}

/** The candidate's sessions, through sessions_by_tenant_user; exported for the EXPLAIN test. */
export function candidateSessionsSql(tenantId: string, userId: string, limit = RETENTION_BATCH) {
  return {
    sql: 'SELECT session_id FROM sessions WHERE tenant_id = ? AND user_id = ? LIMIT ?',
    params: [tenantId, userId, limit] as unknown[],
  };
}

/**
 * How long the erased marker stays in place of a session's edge state: longer than a batch in flight at the erasure
 * can take to write its done marks (a produce and a Redis call, each at most UPSTREAM_TIMEOUT_MS, with retries).
 */
const ERASED_MARKER_TTL_SECONDS = 3600;

/**
 * Every Redis key of a session: on its edge shard (contracts shardOf; the edge's Upstash) its state, dedupe marks and
 * thumbnail slots; on the processor's own Redis its state and liveness entry. Its 'erased' tombstone is written first
 * on both, for the longest a token may live (the token's `exp` is not known here): the edge then refuses to start the
 * session again and the consumer drops its records still in Kafka. The edge's state is replaced by an expiring
 * `status: erased` marker, not left absent: a batch in flight at the erasure writes its done marks with one plain HSET
 * after its produce, which on an absent key would make a hash without a TTL; on the marker it only adds to a hash
 * that expires.
 */
async function deleteSessionKeys(
  redis: RedisClient,
  edge: Shards<RedisClient>,
  prefix: string,
  sessionIds: string[],
): Promise<number> {
  if (!sessionIds.length) return 0;
  const tombstone = (id: string): RedisCommand => [
    'set',
    sessionTombstoneKey(id, prefix),
    'erased',
    'EX',
    SESSION_TOMBSTONE_MAX_TTL_SECONDS,
  ];
  let deleted = 0;
  const count = (replies: Awaited<ReturnType<typeof execEach>>, delAt: number, every: number) =>
    replies.forEach(([err, n], i) => {
      if (err) throw err;
      if (i % every === delAt) deleted += Number(n);
    });
  // On each edge shard, its sessions' keys; the keys of one session share its `{sessionId}` slot (one DEL).
  const byShard = new Map<RedisClient, string[]>();
  for (const id of sessionIds) byShard.set(edge.session(id), [...(byShard.get(edge.session(id)) ?? []), id]);
  await Promise.all(
    [...byShard].map(async ([shard, ids]) => {
      const commands = ids.flatMap((id): RedisCommand[] => [
        tombstone(id),
        ['del', ...edgeSessionKeys(id, prefix)],
        ['hset', sessionStateKey(id, prefix), 'status', 'erased'],
        ['expire', sessionStateKey(id, prefix), ERASED_MARKER_TTL_SECONDS],
      ]);
      count(await execEach(shard, commands), 1, 4);
    }),
  );
  // The processor's own: its tombstone (what the consumer reads), state and liveness entry (in its shard's slot).
  const own = sessionIds.flatMap((id): RedisCommand[] => [
    tombstone(id),
    ['del', stateKey(id, prefix)],
    ['zrem', livenessKey(livenessShard(id), prefix), id],
  ]);
  count(await execEach(redis, own), 1, 3);
  return deleted;
}

async function eraseCandidate(
  pool: Pool,
  redis: RedisClient,
  edge: Shards<RedisClient>,
  prefix: string,
  tenantId: string,
  userId: string,
  objects: ObjectStore | undefined,
) {
  const counts = { ...emptyCounts(), redisKeys: 0, thumbnails: 0 };
  for (;;) {
    const { sql, params } = candidateSessionsSql(tenantId, userId);
    const [rows] = await pool.query<RowDataPacket[]>(sql, params);
    const ids = rows.map((r) => String(r.session_id));
    // Objects and Redis first: a session whose rows are gone but whose keys or thumbnails remain could not be found
    // again to finish the job.
    if (objects) counts.thumbnails += await eraseThumbnailsOf(objects, tenantId, ids);
    counts.redisKeys += await deleteSessionKeys(redis, edge, prefix, ids);
    addCounts(counts, await deleteSessions(pool, tenantId, ids));
    if (ids.length < RETENTION_BATCH) return counts;
  }
}

/** Runs up to `limit` pending requests, oldest first; each completes by clearing the candidate's id from its row. */
export async function runPendingErasures(
  pool: Pool,
  redis: RedisClient,
  prefix: string,
  limit = 10,
  objects?: ObjectStore,
  /** The edge's shards (EDGE_REDIS_URLS), where its session keys live; the processor's own Redis when it is one. */
  edge: Shards<RedisClient> = shardList([redis]),
): Promise<ErasureDone[]> {
  const [pending] = await pool.query<RowDataPacket[]>(
    'SELECT id, tenant_id, user_id FROM erasure_requests WHERE completed_at IS NULL ORDER BY id LIMIT ?',
    [limit],
  );
  const done: ErasureDone[] = [];
  for (const r of pending) {
    const counts = await eraseCandidate(pool, redis, edge, prefix, String(r.tenant_id), String(r.user_id), objects);
    await pool.query(
      'UPDATE erasure_requests SET user_id = NULL, completed_at = CURRENT_TIMESTAMP(3), counts = ? WHERE id = ?',
      [JSON.stringify(counts), r.id],
    );
    done.push({ requestId: Number(r.id), tenantId: String(r.tenant_id), counts });
  }
  return done;
}
