// Ordered offset commits: per partition, the next offset to commit is the first one not yet finished.
interface PartitionTrack {
  /** Offsets begun, ascending (messages begin in offset order); those before `head` have finished. */
  pending: bigint[];
  head: number;
  finished: Set<bigint>;
  highestBegun: bigint;
  /** First offset begun since the partition was (re)started: nothing before it is known to be done. */
  first: bigint;
  committed: bigint;
}

/**
 * Tracks in-flight messages per partition. committable() returns highest finished offset + 1 only once every
 * earlier begun message has finished: Kafka's committed offset is the next message to read, so committing past
 * an unfinished message would lose it on restart.
 */
export function createOffsetTracker() {
  const parts = new Map<number, PartitionTrack>();
  const track = (p: number) => {
    let t = parts.get(p);
    if (!t) {
      t = { pending: [], head: 0, finished: new Set(), highestBegun: -1n, first: -1n, committed: -1n };
      parts.set(p, t);
    }
    return t;
  };
  return {
    begin(partition: number, offset: string) {
      const t = track(partition);
      const o = BigInt(offset);
      if (o <= t.highestBegun) {
        // A rewind (refetch after a failed batch or a rebalance) is fine once nothing is in flight.
        if (t.head < t.pending.length) throw new Error(`offset ${offset} of partition ${partition} begun out of order`);
        t.highestBegun = o - 1n;
        t.first = -1n;
        t.committed = -1n;
      }
      if (t.first < 0n) t.first = o;
      t.highestBegun = o;
      t.pending.push(o);
    },
    finish(partition: number, offset: string) {
      const t = track(partition);
      t.finished.add(BigInt(offset));
      // Advance past the finished prefix: what remains starts with the oldest unfinished message. (An index, not
      // shift(): shifting a 3000-message chunk one by one is quadratic.)
      while (t.head < t.pending.length && t.finished.delete(t.pending[t.head]!)) t.head++;
      if (t.head === t.pending.length) {
        t.pending = [];
        t.head = 0;
      }
    },
    /** The offset to commit now (as Kafka wants it, a string), or undefined when nothing new is committable. */
    committable(partition: number): string | undefined {
      const t = parts.get(partition);
      if (!t) return undefined;
      const next = t.head < t.pending.length ? t.pending[t.head]! : t.highestBegun + 1n;
      if (next <= t.first || next <= t.committed) return undefined; // nothing new has finished
      return next.toString();
    },
    markCommitted(partition: number, offset: string) {
      track(partition).committed = BigInt(offset);
    },
    /** A revoked partition's bookkeeping is dropped; its new owner resumes from the committed offset. */
    forget(partition: number) {
      parts.delete(partition);
    },
    inFlight(): number {
      let n = 0;
      for (const t of parts.values()) n += t.pending.length - t.head;
      return n;
    },
  };
}
export type OffsetTracker = ReturnType<typeof createOffsetTracker>;
