// One blocking XREAD loop per dashboard process over the processor's change stream (contracts liveChanges): every
// open SSE stream of this process is served from it, so Redis sees one reader however many proctors watch.
import {
  isCluster,
  type LiveChangeEntry,
  lastLiveSeq,
  type RedisClient,
  readLiveChanges,
} from '@proctor/contracts/redis';

/** How long one XREAD waits before it is re-issued (and a stop is noticed). */
const BLOCK_MS = 5_000;
/** After a failed read (Redis away), wait this long before the next. */
const RETRY_MS = 1_000;
/**
 * Least time from one read's start to the next's (default): while the processor commits many times a second, each
 * read returns at once with one or two entries; waiting this long lets a burst gather, so a process reads at most
 * 10 times a second however busy the stream, and a notice waits at most this long. A quiet stream is read at once.
 */
export const FOLLOW_MIN_MS = 100;

export interface ChangeFollower {
  /** The newest sequence number read: everything up to it has been handed to onEntries. */
  lastSeq(): string;
  /** XREADs issued so far. */
  reads(): number;
  stop(): void;
}

/** Follows the stream from its current end; resolves once the start point is known. */
export async function followChanges(
  redis: RedisClient,
  prefix: string,
  onEntries: (entries: LiveChangeEntry[]) => void,
  onError: (err: unknown) => void,
  minMs = FOLLOW_MIN_MS,
): Promise<ChangeFollower> {
  // A blocking read holds its connection for up to BLOCK_MS: never the one the routes share.
  const reader: RedisClient = isCluster(redis) ? redis.duplicate() : redis.duplicate();
  reader.on('error', () => {});
  let last = await lastLiveSeq(redis, prefix);
  let stopped = false;
  let reads = 0;
  (async () => {
    while (!stopped) {
      try {
        const startedAt = Date.now();
        reads++;
        const entries = await readLiveChanges(reader, prefix, last, BLOCK_MS);
        const newest = entries.at(-1);
        if (!newest) continue;
        last = newest.seq;
        onEntries(entries);
        const wait = startedAt + minMs - Date.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      } catch (err) {
        if (stopped) break;
        onError(err);
        await new Promise((r) => setTimeout(r, RETRY_MS));
      }
    }
  })();
  return {
    lastSeq: () => last,
    reads: () => reads,
    stop() {
      stopped = true;
      reader.disconnect();
    },
  };
}
