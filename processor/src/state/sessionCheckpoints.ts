// Each session's checkpoint in Redis: its rule state and the position of the last record applied to it, one small
// string key per session under its hash tag, with a TTL.
import { SESSION_STATE_TTL_SECONDS, type Shards, sessionKey, sessionTombstoneKey, shardList } from '@proctor/contracts';
import { execEach, type RedisClient, type RedisCommand } from '@proctor/contracts/redis';
import { runScriptPipeline } from '@proctor/contracts/redis/scripts';
import type { SessionState } from '../session/applyRecord.ts';
import { decodeState, encodeState } from './codec.ts';
import { SAVE_STATE } from './scripts.ts';

/** After its end a session's state lingers one hour, for late records, then expires. */
export const ENDED_STATE_TTL_SECONDS = 60 * 60;

/** Where the last applied record of the session sits: redelivered records at or before it are skipped. */
export interface Position {
  partition: number;
  offset: number;
}

export interface SessionCheckpoint {
  state: SessionState | undefined;
  position: Position | undefined;
  /** The stored state could not be decoded (version change or corruption): the session starts over. */
  corrupt: boolean;
  /** The session was erased (its tombstone): none of its records may be applied again. */
  erased: boolean;
}

export const stateKey = (sessionId: string, prefix: string) => sessionKey(sessionId, 'proc', prefix);

/** Splits `<partition>:<offset>|<state>` (see SAVE_STATE). */
function parseStored(raw: string): Omit<SessionCheckpoint, 'erased'> {
  const a = raw.indexOf('|');
  const [partition, offset] = raw.slice(0, a).split(':').map(Number);
  let state = raw.slice(a + 1);
  // A three-part value, `<position>|<deadlines>|<state>`, loads too (a rolling upgrade meets it until its TTL ends):
  // its deadlines are skipped, since lapses reach the consumer as the sweeper's records.
  if (!state.startsWith('[')) state = state.slice(state.indexOf('|') + 1);
  try {
    return { state: decodeState(state), position: { partition: partition!, offset: offset! }, corrupt: false };
  } catch {
    return { state: undefined, position: undefined, corrupt: true };
  }
}

/** The tombstones of sessions whose edge shard is not `redis`, one GET each on that shard; id → value. */
async function loadTombstones(edge: Shards<RedisClient>, redis: RedisClient, prefix: string, ids: string[]) {
  const byShard = new Map<RedisClient, string[]>();
  for (const id of ids) {
    const shard = edge.session(id);
    if (shard !== redis) byShard.set(shard, [...(byShard.get(shard) ?? []), id]);
  }
  const out = new Map<string, string | null>();
  await Promise.all(
    [...byShard].map(async ([shard, shardIds]) => {
      const results = await execEach(
        shard,
        shardIds.map((id): RedisCommand => ['get', sessionTombstoneKey(id, prefix)]),
      );
      shardIds.forEach((id, i) => {
        const [err, value] = results[i] ?? [new Error('missing pipeline result')];
        if (err) throw err;
        out.set(id, value as string | null);
      });
    }),
  );
  return out;
}

/**
 * `edge`: the edge's shards (EDGE_REDIS_URLS), where a session's tombstone lives; by default this Redis is the edge's
 * one store.
 */
export function createCheckpointStore(
  redis: RedisClient,
  prefix: string,
  edge: Shards<RedisClient> = shardList([redis]),
) {
  return {
    async load(sessionIds: string[]): Promise<Map<string, SessionCheckpoint>> {
      // The state and the tombstone share the session's slot: one MGET each where this Redis is also the session's
      // edge shard; elsewhere the tombstone is read from its shard in parallel.
      const [results, apart] = await Promise.all([
        execEach(
          redis,
          sessionIds.map(
            (id): RedisCommand =>
              edge.session(id) === redis
                ? ['mget', stateKey(id, prefix), sessionTombstoneKey(id, prefix)]
                : ['mget', stateKey(id, prefix)],
          ),
        ),
        loadTombstones(edge, redis, prefix, sessionIds),
      ]);
      const out = new Map<string, SessionCheckpoint>();
      sessionIds.forEach((id, i) => {
        const [err, value] = results[i] ?? [new Error('missing pipeline result')];
        if (err) throw err;
        const [raw, local] = (value ?? []) as (string | null)[];
        const tombstone = apart.has(id) ? apart.get(id) : local;
        const stored =
          typeof raw === 'string' ? parseStored(raw) : { state: undefined, position: undefined, corrupt: false };
        out.set(id, { ...stored, erased: tombstone === 'erased' });
      });
      return out;
    },

    /** Saves each session's state at its position; returns the encoded sizes (for the bytes metric). */
    async save(entries: { sessionId: string; state: SessionState; position: Position }[]): Promise<number[]> {
      const encoded = entries.map((e) => encodeState(e.state));
      await runScriptPipeline(
        redis,
        [SAVE_STATE],
        entries.map((e, i) => {
          const ttl = e.state.endedAt ? ENDED_STATE_TTL_SECONDS : SESSION_STATE_TTL_SECONDS;
          const key = stateKey(e.sessionId, prefix);
          return ['evalsha', SAVE_STATE.sha, 1, key, e.position.partition, e.position.offset, encoded[i]!, ttl];
        }),
      );
      return encoded.map((s) => Buffer.byteLength(s));
    },
  };
}
export type CheckpointStore = ReturnType<typeof createCheckpointStore>;
