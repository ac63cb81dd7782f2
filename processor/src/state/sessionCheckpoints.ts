// Each session's checkpoint in Redis: its rule state and the position of the last record applied to it, one small
// string key per session under its hash tag, with a TTL.
import { SESSION_STATE_TTL_SECONDS, sessionKey, sessionTombstoneKey } from '@proctor/contracts';
import { execEach, type RedisClient } from '@proctor/contracts/redis';
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

export function createCheckpointStore(redis: RedisClient, prefix: string) {
  return {
    async load(sessionIds: string[]): Promise<Map<string, SessionCheckpoint>> {
      // The state and the tombstone share the session's slot: one MGET each.
      const results = await execEach(
        redis,
        sessionIds.map((id) => ['mget', stateKey(id, prefix), sessionTombstoneKey(id, prefix)]),
      );
      const out = new Map<string, SessionCheckpoint>();
      sessionIds.forEach((id, i) => {
        const [err, value] = results[i] ?? [new Error('missing pipeline result')];
        if (err) throw err;
        const [raw, tombstone] = (value ?? []) as (string | null)[];
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
