// Per-session processing state in Redis: one small hash per session under its hash tag, with a TTL.
import { SESSION_STATE_TTL_SECONDS, sessionKey } from '@proctor/contracts';
import type { Redis } from 'ioredis';
import type { SessionState } from '../rules/session.ts';
import { decodeState, encodeState } from './codec.ts';
import { runScriptPipeline, SAVE_STATE } from './scripts.ts';

/** After its end a session's state lingers one hour, for late records, then expires. */
export const ENDED_STATE_TTL_SECONDS = 60 * 60;

/** Where the last applied record of the session sits: redelivered records at or before it are skipped. */
export interface Position {
  partition: number;
  offset: number;
}

export interface StoredSession {
  state: SessionState | undefined;
  position: Position | undefined;
  /** Connection-lost deadlines the liveness sweep recorded (epoch ms). */
  connectionLost: number[];
  /** The stored state could not be decoded (version change or corruption): the session starts over. */
  corrupt: boolean;
}

export const stateKey = (sessionId: string, prefix: string) => sessionKey(sessionId, 'proc', prefix);

function parsePosition(p: string | null): Position | undefined {
  if (!p) return undefined;
  const [partition, offset] = p.split(':').map(Number);
  return partition === undefined || offset === undefined ? undefined : { partition, offset };
}

export function createSessionStore(redis: Redis, prefix: string) {
  return {
    async load(sessionIds: string[]): Promise<Map<string, StoredSession>> {
      const pipeline = redis.pipeline();
      for (const id of sessionIds) pipeline.hmget(stateKey(id, prefix), 's', 'p', 'c');
      const results = (await pipeline.exec()) ?? [];
      const out = new Map<string, StoredSession>();
      sessionIds.forEach((id, i) => {
        const [err, value] = results[i] ?? [new Error('missing pipeline result')];
        if (err) throw err;
        const [s, p, c] = value as (string | null)[];
        let state: SessionState | undefined;
        let corrupt = false;
        try {
          state = s ? decodeState(s) : undefined;
        } catch {
          corrupt = true;
        }
        const connectionLost = c ? c.split(',').map(Number) : [];
        out.set(id, { state, position: corrupt ? undefined : parsePosition(p ?? null), connectionLost, corrupt });
      });
      return out;
    },

    /** Saves each session's state at its position; returns the encoded sizes (for the bytes metric). */
    async save(entries: { sessionId: string; state: SessionState; position: Position }[]): Promise<number[]> {
      const encoded = entries.map((e) => encodeState(e.state));
      await runScriptPipeline(redis, [SAVE_STATE], (pipeline) => {
        entries.forEach((e, i) => {
          const ttl = e.state.endedAt ? ENDED_STATE_TTL_SECONDS : SESSION_STATE_TTL_SECONDS;
          pipeline.evalsha(
            SAVE_STATE.sha,
            1,
            stateKey(e.sessionId, prefix),
            e.position.partition,
            e.position.offset,
            encoded[i]!,
            ttl,
          );
        });
      });
      return encoded.map((s) => Buffer.byteLength(s));
    },
  };
}
export type SessionStore = ReturnType<typeof createSessionStore>;
