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

export interface ChangeFollower {
  /** The newest sequence number read: everything up to it has been handed to onEntries. */
  lastSeq(): string;
  stop(): void;
}

/** Follows the stream from its current end; resolves once the start point is known. */
export async function followChanges(
  redis: RedisClient,
  prefix: string,
  onEntries: (entries: LiveChangeEntry[]) => void,
  onError: (err: unknown) => void,
): Promise<ChangeFollower> {
  // A blocking read holds its connection for up to BLOCK_MS: never the one the routes share.
  const reader: RedisClient = isCluster(redis) ? redis.duplicate() : redis.duplicate();
  reader.on('error', () => {});
  let last = await lastLiveSeq(redis, prefix);
  let stopped = false;
  (async () => {
    while (!stopped) {
      try {
        const entries = await readLiveChanges(reader, prefix, last, BLOCK_MS);
        const newest = entries.at(-1);
        if (!newest) continue;
        last = newest.seq;
        onEntries(entries);
      } catch (err) {
        if (stopped) break;
        onError(err);
        await new Promise((r) => setTimeout(r, RETRY_MS));
      }
    }
  })();
  return {
    lastSeq: () => last,
    stop() {
      stopped = true;
      reader.disconnect();
    },
  };
}
