// The live feed's events and their sequence numbers (the change stream's entry ids, `<ms>-<n>`).
import type { RankedSessionList } from '../api/schemas.ts';
import type { LiveAlert } from './liveAlerts.ts';

/**
 * `seq` is the SSE event id: once a stream has been sent an event, it has been sent every alert of its schedule
 * that a notice up to `seq` named, so a reconnect that resumes from it (Last-Event-ID) misses nothing.
 */
export type LiveEvent =
  | { type: 'sessions'; seq: string; data: RankedSessionList }
  | { type: 'alert'; seq: string; data: LiveAlert };
export type LiveListener = (event: LiveEvent) => void;

/** Stream entry ids in order: `<ms>-<n>`, compared as numbers. */
export function compareSeq(a: string, b: string): number {
  const [am = 0n, an = 0n] = a.split('-').map(BigInt);
  const [bm = 0n, bn = 0n] = b.split('-').map(BigInt);
  return am === bm ? Number(an - bn) : am < bm ? -1 : 1;
}

export const maxSeq = (a: string, b: string) => (!a ? b : !b ? a : compareSeq(a, b) >= 0 ? a : b);
