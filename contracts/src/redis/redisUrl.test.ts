import { describe, expect, it } from 'vitest';
import { clusterUrl, parseRedisUrl, RedisUrl } from './index.ts';

describe('REDIS_URL', () => {
  it('names one Redis or a cluster by its seed nodes', () => {
    expect(parseRedisUrl('redis://127.0.0.1:6379')).toEqual({ kind: 'single', url: 'redis://127.0.0.1:6379' });
    expect(parseRedisUrl('redis+cluster://10.0.0.1:7000,10.0.0.2:7001')).toEqual({
      kind: 'cluster',
      nodes: [
        { host: '10.0.0.1', port: 7000 },
        { host: '10.0.0.2', port: 7001 },
      ],
    });
    const nodes = [
      { host: '127.0.0.1', port: 17100 },
      { host: '127.0.0.1', port: 17101 },
    ];
    expect(parseRedisUrl(clusterUrl(nodes))).toEqual({ kind: 'cluster', nodes });
  });

  it('refuses what is neither, with the form to use', () => {
    for (const bad of ['http://x:1', 'redis+cluster://', 'redis+cluster://a:1,b', 'redis+cluster://a:x', 'nope']) {
      expect(RedisUrl.safeParse(bad).success, bad).toBe(false);
    }
    expect(() => parseRedisUrl('mysql://x')).toThrow(/redis\+cluster/);
  });
});
