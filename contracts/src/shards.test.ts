// The shard function: the paper's jump hash bit for bit, balance over session and tenant ids, and how little moves
// when a shard is added.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { jumpHash, shardList, shardOf } from './shards.ts';

const sessionId = (i: number) => createHash('sha256').update(`session-${i}`).digest('hex');
const SESSIONS = Array.from({ length: 24_000 }, (_, i) => sessionId(i));
// A slow shared box: BigInt hashing of some 100k ids takes seconds there.
const SLOW = 60_000;
const counts = (ids: number, n: number, owner: (i: number) => Parameters<typeof shardOf>[0]) => {
  const out = new Array<number>(n).fill(0);
  for (let i = 0; i < ids; i++) out[shardOf(owner(i), n)]!++;
  return out;
};

describe('jumpHash', () => {
  // Published vectors of the reference C++ (jump_consistent_hash crate's doc tests, the Python package's README).
  it.each([
    [0n, 60, 0],
    [1n, 60, 55],
    [2n, 60, 46],
    [256n, 1024, 520],
  ])('hash(%s, %s) = %s, as the paper’s code', (key, buckets, bucket) => {
    expect(jumpHash(key, buckets)).toBe(bucket);
  });

  it('refuses a bucket count below one', () => {
    expect(() => jumpHash(1n, 0)).toThrow(/buckets/);
  });
});

describe('shardOf', () => {
  it(
    'spreads sessions and tenants as a uniform draw would (within 4 standard deviations) over 3 and 12 shards',
    () => {
      for (const n of [3, 12]) {
        const ids = SESSIONS.length;
        for (const c of [
          counts(ids, n, (i) => ({ session: SESSIONS[i]! })),
          counts(ids, n, (i) => ({ tenant: `t${i}` })),
        ]) {
          // A shard's share of a uniform draw has a relative standard deviation of sqrt((n - 1) / ids).
          for (const k of c) expect(Math.abs(k / (ids / n) - 1)).toBeLessThan(4 * Math.sqrt((n - 1) / ids));
        }
      }
    },
    SLOW,
  );

  it(
    'moves only what the new shard takes when going from N to N+1: about 1/(N+1), never between old shards',
    () => {
      for (const n of [1, 2, 3, 11]) {
        const ids = 12_000;
        let moved = 0;
        for (let i = 0; i < ids; i++) {
          for (const owner of [{ session: SESSIONS[i]! }, { tenant: `tenant-${i}` }]) {
            const before = shardOf(owner, n);
            const after = shardOf(owner, n + 1);
            if (before !== after) {
              expect(after).toBe(n);
              moved++;
            }
          }
        }
        expect(Math.abs(moved / (2 * ids) - 1 / (n + 1))).toBeLessThan(0.015);
      }
    },
    SLOW,
  );

  it('is stable: the same ids land on the same shards in every release (data already lives there)', () => {
    expect(shardOf({ session: 'a'.repeat(64) }, 3)).toBe(shardOf({ session: 'a'.repeat(64) }, 3));
    expect([0, 1, 2, 3, 4].map((i) => shardOf({ session: sessionId(i) }, 3))).toEqual([1, 1, 1, 2, 0]);
    expect(['t1', 't2', 'acme', 'globex', 'initech'].map((t) => shardOf({ tenant: t }, 3))).toEqual([0, 0, 1, 0, 1]);
  });

  it('puts everything on shard 0 of one', () => {
    expect(shardOf({ session: sessionId(1) }, 1)).toBe(0);
    expect(shardOf({ tenant: 'x' }, 1)).toBe(0);
  });
});

describe('shardList', () => {
  it('picks the client of the owner’s shard, in configuration order', () => {
    const shards = shardList(['a', 'b', 'c']);
    expect(shards.session(sessionId(0))).toBe(['a', 'b', 'c'][shardOf({ session: sessionId(0) }, 3)]);
    expect(shards.tenant('t9')).toBe(['a', 'b', 'c'][shardOf({ tenant: 't9' }, 3)]);
    expect(() => shardList([])).toThrow(/at least one/);
  });
});
