import { describe, expect, it } from 'vitest';
import { livenessClaimsKey, livenessKey, RedisKeyPrefix } from './redisKeys.ts';

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
});
