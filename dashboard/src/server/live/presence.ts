// Live presence from Redis: each session's liveness deadline in its shard (contracts redisKeys), one ZMSCORE per
// shard in one round trip (one per node on a Redis Cluster: the shards are spread over its slots), on the edge
// database that holds the session (contracts shardOf; one round trip per database, in parallel). The live feed
// keeps the deadlines it read and reuses each until it passes, so a list re-read asks only for the sessions whose
// deadline has passed or was never seen.
import { livenessKey, livenessShard, type Shards } from '@proctor/contracts';
import { execEach, type RedisClient, type RedisCommand } from '@proctor/contracts/redis';
import type { Presence, RankedSession } from '../api/schemas.ts';
import type { SessionBase } from '../queries/sessions.ts';

/** Redis is live state, not history: if it is slow or down the page still works, and says presence is unknown. */
const REDIS_TIMEOUT_MS = 300;

export interface PresenceResult {
  sessions: RankedSession[];
  degraded: boolean;
}

type Deadlines = Map<string, number | null>;

/** The deadlines of `ids` (null: not in liveness), or null when Redis did not answer in time. */
async function readDeadlines(edge: Shards<RedisClient>, prefix: string, ids: string[]): Promise<Deadlines | null> {
  const byStore = new Map<RedisClient, Map<number, string[]>>();
  for (const id of ids) {
    const store = edge.session(id);
    const byShard = byStore.get(store) ?? new Map<number, string[]>();
    byStore.set(store, byShard);
    const shard = livenessShard(id);
    byShard.set(shard, [...(byShard.get(shard) ?? []), id]);
  }
  const shards = [...byStore.values()].flatMap((byShard) => [...byShard]);
  const batch = Promise.all(
    [...byStore].map(([store, byShard]) =>
      execEach(
        store,
        [...byShard].map(([shard, members]): RedisCommand => ['zmscore', livenessKey(shard, prefix), ...members]),
      ),
    ),
  ).then((perStore) => perStore.flat());
  try {
    const results = await Promise.race([
      batch,
      new Promise<null>((resolve) => setTimeout(resolve, REDIS_TIMEOUT_MS, null)),
    ]);
    if (!results || results.some(([err]) => err)) return null;
    const out: Deadlines = new Map();
    shards.forEach(([, members], i) => {
      const scores = results[i]?.[1] as (string | null)[];
      members.forEach((id, j) => {
        out.set(id, scores[j] == null ? null : Number(scores[j]));
      });
    });
    return out;
  } catch {
    return null;
  }
}

function ranked(sessions: SessionBase[], deadlineOf: (id: string) => number | null, now: number): RankedSession[] {
  return sessions.map((s) => ({ ...s, presence: presenceOf(s, deadlineOf(s.sessionId), now) }));
}

/** Ended sessions read as unknown whatever Redis holds: only the others are asked for. */
const askable = (sessions: SessionBase[]) => sessions.filter((s) => s.status !== 'ended').map((s) => s.sessionId);

/**
 * The liveness sorted sets score each session by its deadline (epoch ms: last seen + N heartbeat intervals).
 * A deadline in the future is online; a past one is overdue (the processor will raise connection_lost).
 * Ended sessions are removed from liveness, so they read as unknown and the page shows their status instead.
 */
export async function withPresence(
  edge: Shards<RedisClient>,
  sessions: SessionBase[],
  prefix: string,
  now = Date.now(),
): Promise<PresenceResult> {
  const ids = askable(sessions);
  const read = ids.length ? await readDeadlines(edge, prefix, ids) : new Map();
  return { degraded: read === null, sessions: ranked(sessions, (id) => read?.get(id) ?? null, now) };
}

/**
 * Presence with the deadlines it read kept until they pass. The edge only ever moves a deadline later (now + the
 * session's window), so one still in the future says online until then whatever was written since. An end removes
 * the deadline, but the session's ended status (MySQL) already reads as unknown; an erased session is not listed.
 */
export function createPresenceCache(edge: Shards<RedisClient>, prefix: string) {
  const online = new Map<string, number>();
  return {
    async withPresence(sessions: SessionBase[], now = Date.now()): Promise<PresenceResult> {
      for (const [id, deadline] of online) if (deadline < now) online.delete(id);
      const ids = askable(sessions).filter((id) => !online.has(id));
      const read = ids.length ? await readDeadlines(edge, prefix, ids) : new Map<string, number | null>();
      for (const [id, deadline] of read ?? []) if (deadline !== null && deadline >= now) online.set(id, deadline);
      const deadlineOf = (id: string) => online.get(id) ?? read?.get(id) ?? null;
      return { degraded: read === null, sessions: ranked(sessions, deadlineOf, now) };
    },
  };
}

export function presenceOf(session: SessionBase, deadline: number | null, now: number): Presence {
  if (session.status === 'ended' || deadline === null) return 'unknown';
  return deadline >= now ? 'online' : 'overdue';
}
