// The Redis side of the live feed's change stream: the writer's append and the readers' range and follow calls.
import { LIVE_CHANGES_FIELD, LIVE_CHANGES_MAXLEN, type LiveChange, parseLiveChanges } from '../liveChanges.ts';
import { liveChangesKey } from '../redisKeys.ts';
import type { RedisClient } from './index.ts';

export interface LiveChangeEntry {
  seq: string;
  changes: LiveChange[];
}

type RawEntry = [id: string, fields: string[]];
const entries = (raw: RawEntry[]): LiveChangeEntry[] =>
  raw.map(([seq, fields]) => ({ seq, changes: parseLiveChanges(fields) }));

/** Appends one commit's changes (none: no entry); trimmed approximately, which costs Redis the least. */
export async function publishLiveChanges(
  redis: RedisClient,
  prefix: string,
  changes: readonly LiveChange[],
): Promise<string | null> {
  if (!changes.length) return null;
  const key = liveChangesKey(prefix);
  return redis.xadd(key, 'MAXLEN', '~', LIVE_CHANGES_MAXLEN, '*', LIVE_CHANGES_FIELD, JSON.stringify(changes));
}

/** The newest entry's sequence number, or `0-0` before the first: where a new follower starts. */
export async function lastLiveSeq(redis: RedisClient, prefix: string): Promise<string> {
  const [last] = (await redis.xrevrange(liveChangesKey(prefix), '+', '-', 'COUNT', 1)) as RawEntry[];
  return last?.[0] ?? '0-0';
}

/** Entries from `since` (inclusive) on, at most `count`: a reconnecting stream's catch-up. */
export async function liveChangesSince(
  redis: RedisClient,
  prefix: string,
  since: string,
  count = LIVE_CHANGES_MAXLEN,
): Promise<LiveChangeEntry[]> {
  return entries((await redis.xrange(liveChangesKey(prefix), since, '+', 'COUNT', count)) as RawEntry[]);
}

/** Entries after `after`, waiting up to `blockMs` for the first: [] on a quiet timeout. Needs its own connection. */
export async function readLiveChanges(
  reader: RedisClient,
  prefix: string,
  after: string,
  blockMs: number,
  count = 1_000,
): Promise<LiveChangeEntry[]> {
  const res = (await reader.xread('COUNT', count, 'BLOCK', blockMs, 'STREAMS', liveChangesKey(prefix), after)) as
    | [key: string, entries: RawEntry[]][]
    | null;
  return res?.[0] ? entries(res[0][1]) : [];
}
