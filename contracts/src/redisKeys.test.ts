import { describe, expect, it } from 'vitest';
import {
  livenessClaimsKey,
  livenessKey,
  loginSessionKey,
  RedisKeyPrefix,
  SESSION_STATE_TTL_SECONDS,
  SESSION_TOMBSTONE_MAX_TTL_SECONDS,
  sessionKey,
  sessionStateKey,
  sessionTombstoneKey,
  streamLeasesKey,
  tombstoneTtlSeconds,
} from './redisKeys.ts';

/** What Redis Cluster hashes: the first non-empty `{…}` of a key, else the whole key. */
function hashed(key: string): string {
  const open = key.indexOf('{');
  const close = open < 0 ? -1 : key.indexOf('}', open + 1);
  return close > open + 1 ? key.slice(open + 1, close) : key;
}

describe('the Redis key prefix every service accepts', () => {
  it('takes the characters any service used and refuses what would split hash slots', () => {
    for (const ok of ['proctor', 'ptest_ab12', 'stage:eu-1', 'a.b'])
      expect(RedisKeyPrefix.safeParse(ok).success).toBe(true);
    for (const bad of ['', 'a{b}', 'has space', 'x'.repeat(65)])
      expect(RedisKeyPrefix.safeParse(bad).success).toBe(false);
  });

  it('puts a shard’s claims beside its liveness set', () => {
    expect(livenessClaimsKey(7, 'p')).toBe(`${livenessKey(7, 'p')}:claims`);
  });

  it('keeps every key of one script in one Redis Cluster slot', () => {
    // The sweeper's claim script: a shard and its claims.
    expect(hashed(livenessClaimsKey(7, 'p'))).toBe(hashed(livenessKey(7, 'p')));
    expect(hashed(livenessKey(7, 'p'))).not.toBe(hashed(livenessKey(8, 'p')));
    // The edge's session scripts: state (marks inside), tombstone and the processor's state.
    const id = 'ab'.repeat(32);
    for (const k of [sessionKey(id, 'proc', 'p'), sessionTombstoneKey(id, 'p')])
      expect(hashed(k)).toBe(hashed(sessionStateKey(id, 'p')));
  });
});

describe("a closed session's tombstone", () => {
  const now = 1_767_225_600_000;
  it("lives as long as the token could still be accepted, within the state's TTL and the bound", () => {
    const exp = now / 1000 + 3 * 24 * 3600;
    expect(tombstoneTtlSeconds(exp, now, 30)).toBe(3 * 24 * 3600 + 30);
    expect(tombstoneTtlSeconds(now / 1000 + 60, now, 30)).toBe(SESSION_STATE_TTL_SECONDS);
    expect(tombstoneTtlSeconds(now / 1000 + 400 * 24 * 3600, now, 30)).toBe(SESSION_TOMBSTONE_MAX_TTL_SECONDS);
  });
});

describe("the dashboard's keys", () => {
  it('sit under the deployment prefix, apart from the per-session keys, with no hash tag of their own', () => {
    const digest = 'Zm9vYmFyLWJhei1xdXV4LWRpZ2VzdA';
    for (const key of [loginSessionKey(digest, 'p'), streamLeasesKey(digest, 'p')]) {
      expect(key.startsWith('p:dash:')).toBe(true);
      expect(key).not.toContain('{');
    }
    expect(loginSessionKey(digest, 'p')).not.toBe(streamLeasesKey(digest, 'p'));
  });
});
