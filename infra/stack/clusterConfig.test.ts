// clusterConfig: one block of ports from CLUSTER_BASE_PORT, clear of the single-node stack, and clients' settings.
import { describe, expect, it } from 'vitest';
import { clusterClientEnv, clusterConfig } from './clusterConfig.ts';
import { stackConfig } from './config.ts';

const portsOf = (c: ReturnType<typeof clusterConfig>) => [
  ...c.redis.nodes.flatMap((n) => [n.port, n.busPort]),
  ...c.kafka.brokers.flatMap((b) => [b.port, b.controllerPort]),
  c.stack.bridge.port,
  c.stack.shim.port,
  ...c.processors.map((p) => p.metricsPort),
];

describe('clusterConfig', () => {
  it('takes distinct ports apart from every single-node default', () => {
    const c = clusterConfig({});
    const ports = portsOf(c);
    expect(new Set(ports).size).toBe(ports.length);
    const single = stackConfig({});
    const singlePorts = [single.kafka.port, single.kafka.controllerPort, single.bridge.port, single.shim.port];
    for (const p of [...singlePorts, single.s3.port, single.redis.port, 19464]) expect(ports).not.toContain(p);
    expect(Math.min(...ports)).toBe(17100);
    expect(Math.max(...ports)).toBeLessThan(17150); // the smoke tests' clusters start at 17150
  });

  it('moves the whole block with CLUSTER_BASE_PORT and keeps its state beside the single-node stack', () => {
    const c = clusterConfig({
      CLUSTER_BASE_PORT: '23100',
      PROCTOR_STACK_DIR: '/tmp/s',
      KAFKA_BRIDGE_URL: 'http://x:1',
    });
    expect(Math.min(...portsOf(c))).toBe(23100);
    expect(c.stack.stateDir).toBe('/tmp/s/cluster');
    // The single-node stack's URLs in the env are not the cluster's.
    expect(clusterClientEnv(c)).toEqual({
      KAFKA_BROKERS: '127.0.0.1:23120,127.0.0.1:23121,127.0.0.1:23122',
      KAFKA_BRIDGE_URL: 'http://127.0.0.1:23130',
      REDIS_URL: `redis+cluster://${[0, 1, 2, 3, 4, 5].map((i) => `127.0.0.1:${23100 + i}`).join(',')}`,
      UPSTASH_REDIS_REST_URL: 'http://127.0.0.1:23131',
      UPSTASH_REDIS_REST_TOKEN: 'local-dev-token',
    });
    expect(c.stack.redis).toEqual({ url: clusterClientEnv(c).REDIS_URL, host: '127.0.0.1', port: 23100 });
  });
});
