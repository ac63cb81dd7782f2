// stackConfig: documented defaults, environment overrides, and readable errors for bad values.
import { describe, expect, it } from 'vitest';
import { edgeRedisUrls, edgeShardEnv, stackConfig } from './config.ts';

describe('stackConfig', () => {
  it('has the documented defaults', () => {
    const c = stackConfig({});
    expect(c.kafka.bootstrap).toBe('127.0.0.1:9092');
    expect(c.kafka.controllerPort).toBe(9093);
    expect(c.bridge.url).toBe('http://127.0.0.1:18080');
    expect(c.shim.url).toBe('http://127.0.0.1:18079');
    expect(c.shim.token).toBe('local-dev-token');
    expect(c.redis.url).toBe('redis://127.0.0.1:6379');
    expect(c.mysqlUrl).toBe('mysql://root@127.0.0.1:3306/proctor');
    expect(c.topics).toEqual({
      events: 'proctor.events',
      dlq: 'proctor.events.dlq',
      eventsPartitions: 12,
      dlqPartitions: 3,
    });
    expect(c.stateDir.endsWith('infra/.stack')).toBe(true);
    expect(c.s3).toMatchObject({ url: 'http://127.0.0.1:9000', bucket: 'proctor-thumbnails', port: 9000 });
    expect(c.s3.dataDir.endsWith('infra/.stack/s3-data')).toBe(true);
  });

  it('takes every address from the environment', () => {
    const c = stackConfig({
      KAFKA_PORT: '19092',
      BRIDGE_PORT: '28080',
      SHIM_PORT: '28079',
      UPSTASH_REDIS_REST_TOKEN: 'tok',
      REDIS_URL: 'redis://127.0.0.1:6380',
      MYSQL_URL: 'mysql://u:p@db:3307/x',
      KAFKA_EVENTS_TOPIC: 'ev',
      KAFKA_DLQ_TOPIC: 'dlq',
      XDG_CACHE_HOME: '/tmp/c',
      S3_PORT: '19678',
      S3_BUCKET: 'b',
    });
    expect(c.s3.url).toBe('http://127.0.0.1:19678');
    expect(c.s3.bucket).toBe('b');
    expect(c.kafka.bootstrap).toBe('127.0.0.1:19092');
    expect(c.bridge.url).toBe('http://127.0.0.1:28080');
    expect(c.shim.url).toBe('http://127.0.0.1:28079');
    expect(c.shim.token).toBe('tok');
    expect(c.redis.port).toBe(6380);
    expect(c.mysqlUrl).toBe('mysql://u:p@db:3307/x');
    expect(c.topics.events).toBe('ev');
    expect(c.topics.dlq).toBe('dlq');
    expect(c.cacheDir).toBe('/tmp/c/proctor-stack');
  });

  it('names the variable when a port is not a number', () => {
    expect(() => stackConfig({ KAFKA_PORT: 'abc' })).toThrow(/KAFKA_PORT must be a positive integer/);
  });
});

describe('stackConfig: edge shards (UPSTASH_SHARDS)', () => {
  it('serves one shard by default: the shim on SHIM_PORT over REDIS_URL, no EDGE_REDIS_URLS', () => {
    const c = stackConfig({});
    expect(c.shim.shards).toEqual([{ port: 18079, url: 'http://127.0.0.1:18079', redisUrl: 'redis://127.0.0.1:6379' }]);
    expect(edgeShardEnv(c.shim)).toEqual({
      UPSTASH_REDIS_REST_URL: 'http://127.0.0.1:18079',
      UPSTASH_REDIS_REST_TOKEN: 'local-dev-token',
    });
    expect(edgeRedisUrls(c.shim)).toBeUndefined();
  });

  it('serves N shards on ports 100 apart (SHIM_PORT + 1 is the bridge’s) over consecutive Redis databases, in order', () => {
    const c = stackConfig({ UPSTASH_SHARDS: '3', SHIM_PORT: '22079', REDIS_URL: 'redis://127.0.0.1:6379' });
    expect(c.shim.shards.map((s) => s.port)).not.toContain(c.bridge.port);
    expect(c.shim.shards.map((s) => s.url)).toEqual([
      'http://127.0.0.1:22079',
      'http://127.0.0.1:22179',
      'http://127.0.0.1:22279',
    ]);
    expect(edgeShardEnv(c.shim).UPSTASH_REDIS_REST_TOKEN).toBe('local-dev-token,local-dev-token,local-dev-token');
    expect(edgeRedisUrls(c.shim)).toBe('redis://127.0.0.1:6379,redis://127.0.0.1:6379/1,redis://127.0.0.1:6379/2');
  });

  it('serves one shard over a Redis Cluster URL as given (the cluster stack’s shim: several hosts, not a WHATWG URL)', () => {
    const cluster = 'redis+cluster://127.0.0.1:7000,127.0.0.1:7001,127.0.0.1:7002';
    const c = stackConfig({ REDIS_URL: cluster, SHIM_PORT: '17131' });
    expect(c.shim.shards).toEqual([{ port: 17131, url: 'http://127.0.0.1:17131', redisUrl: cluster }]);
  });

  it('refuses several shards over a Redis Cluster (it has database 0 only)', () => {
    expect(() =>
      stackConfig({ UPSTASH_SHARDS: '2', REDIS_URL: 'redis+cluster://127.0.0.1:7000,127.0.0.1:7001' }),
    ).toThrow(/UPSTASH_SHARDS/);
  });
});
