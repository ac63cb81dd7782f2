// Presence against a real Redis: online, overdue and unknown as the liveness deadlines say, read with one command per
// liveness shard (not one per session), and the live feed's cache asking again only for deadlines that have passed.
import { randomBytes } from 'node:crypto';
import { LIVENESS_SHARDS, livenessShard, shardList } from '@proctor/contracts';
import { createRedisClient } from '@proctor/contracts/redis';
import { watchCommands } from '@proctor/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanRedis, markLive, rand } from '../../../test/testDashboard.ts';
import type { SessionBase } from '../queries/sessions.ts';
import { createPresenceCache, withPresence } from './presence.ts';

const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const redis = createRedisClient(url);
const prefix = `test-presence-${rand()}`;
const now = Date.now();
type Kind = 'online' | 'overdue' | 'missing' | 'ended';
const kinds: Kind[] = ['online', 'overdue', 'missing', 'ended'];
/** 200 sessions, as many as a list shows, a quarter of each kind. */
const sessions = Array.from({ length: 200 }, (_, i) => ({
  sessionId: randomBytes(32).toString('hex'),
  status: kinds[i % 4] === 'ended' ? 'ended' : 'active',
  kind: kinds[i % 4] as Kind,
}));
const expected = (s: (typeof sessions)[number]) =>
  s.kind === 'online' ? 'online' : s.kind === 'overdue' ? 'overdue' : 'unknown';
const list = sessions as unknown as SessionBase[];
const shardsOf = (kind: (k: Kind) => boolean) =>
  new Set(sessions.filter((s) => kind(s.kind)).map((s) => livenessShard(s.sessionId))).size;
let watch: Awaited<ReturnType<typeof watchCommands>>;

beforeAll(async () => {
  for (const s of sessions) {
    if (s.kind === 'online' || s.kind === 'ended') await markLive(redis, prefix, s.sessionId, now + 60_000);
    if (s.kind === 'overdue') await markLive(redis, prefix, s.sessionId, now - 1_000);
  }
  watch = await watchCommands(url, prefix);
});
afterAll(async () => {
  watch?.stop();
  await cleanRedis(redis, prefix);
  redis.disconnect();
});

/** The commands the call sent (the MONITOR feed lags a moment). */
async function commandsOf(fn: () => Promise<unknown>): Promise<string[][]> {
  watch.take();
  await fn();
  await new Promise((r) => setTimeout(r, 150));
  return watch.take();
}

describe('presence', () => {
  it('reads 200 sessions with one command per liveness shard, never asking for an ended one', async () => {
    let read: Awaited<ReturnType<typeof withPresence>> | undefined;
    const sent = await commandsOf(async () => {
      read = await withPresence(shardList([redis]), list, prefix, now);
    });
    expect(read?.degraded).toBe(false);
    expect(read?.sessions.map((s) => s.presence)).toEqual(sessions.map(expected));
    expect(sent.length).toBe(shardsOf((k) => k !== 'ended'));
    expect(sent.length).toBeLessThanOrEqual(LIVENESS_SHARDS);
  });

  it('keeps a deadline until it passes: a re-read asks only for the overdue and unknown sessions', async () => {
    const cache = createPresenceCache(shardList([redis]), prefix);
    const first = await cache.withPresence(list, now);
    expect(first.sessions.map((s) => s.presence)).toEqual(sessions.map(expected));

    let again: Awaited<ReturnType<typeof withPresence>> | undefined;
    const sent = await commandsOf(async () => {
      again = await cache.withPresence(list, now + 1_000);
    });
    expect(again?.sessions.map((s) => s.presence)).toEqual(sessions.map(expected));
    expect(sent.length).toBe(shardsOf((k) => k === 'overdue' || k === 'missing'));
    const asked = new Set(sent.flatMap((c) => c.slice(2)));
    expect(
      sessions.filter((s) => asked.has(s.sessionId)).every((s) => s.kind === 'overdue' || s.kind === 'missing'),
    ).toBe(true);

    // An overdue session that sends a heartbeat is online at the next read; an online one whose deadline passed
    // without one is read again, and overdue.
    const back = sessions.find((s) => s.kind === 'overdue')!;
    await markLive(redis, prefix, back.sessionId, now + 120_000);
    const later = await cache.withPresence(list, now + 90_000);
    const byId = new Map(later.sessions.map((s) => [s.sessionId, s.presence]));
    expect(byId.get(back.sessionId)).toBe('online');
    expect(sessions.filter((s) => s.kind === 'online').every((s) => byId.get(s.sessionId) === 'overdue')).toBe(true);
  });
});
