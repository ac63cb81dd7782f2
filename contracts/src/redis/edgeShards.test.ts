// The Node services' view of the edge's shards: the default is their own Redis, a URL equal to it reuses its client.
import { describe, expect, it } from 'vitest';
import { shardOf } from '../shards.ts';
import { createEdgeRedisShards } from './edgeShards.ts';
import type { RedisClient } from './index.ts';

const fake = (url: string) => ({ url }) as unknown as RedisClient;
const own = { url: 'redis://own:6379', client: fake('redis://own:6379') };

describe('createEdgeRedisShards', () => {
  it('is the service’s own client alone when no list is given', () => {
    const shards = createEdgeRedisShards([], own, () => {
      throw new Error('no client may be made');
    });
    expect(shards.all).toEqual([own.client]);
    expect(shards.tenant('t1')).toBe(own.client);
  });

  it('makes one client per listed URL, in order, reusing the own client for its URL and one per repeated URL', () => {
    const made: string[] = [];
    const shards = createEdgeRedisShards(['redis://own:6379', 'redis://b:6379', 'redis://b:6379'], own, (url) => {
      made.push(url);
      return fake(url);
    });
    expect(made).toEqual(['redis://b:6379']);
    expect(shards.all[0]).toBe(own.client);
    expect(shards.all[1]).toBe(shards.all[2]);
    const id = 'ab'.repeat(32);
    expect(shards.session(id)).toBe(shards.all[shardOf({ session: id }, 3)]);
  });
});
