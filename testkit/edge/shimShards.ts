// The edge's shards for a test: N Upstash REST shims, each on an ephemeral port over its own Redis database of the
// stack's Redis (databases 1…N, keys under the test's random prefix), plus a Node-side client per shard to look at
// what landed where. Node only.
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { createShim } from '@proctor/infra/shim';
import { stackConfig } from '@proctor/infra/stack/config';
import { Redis } from '@upstash/redis';

export interface ShimShards {
  /** UPSTASH_REDIS_REST_URL and _TOKEN for the edge: comma lists, shard order. */
  edgeEnv: { UPSTASH_REDIS_REST_URL: string; UPSTASH_REDIS_REST_TOKEN: string };
  /** Each shard's Redis (TCP), shard order: EDGE_REDIS_URLS for the processor and the dashboard. */
  redisUrls: string[];
  /** A Node-side Upstash client per shard. */
  clients: Redis[];
  stop(): Promise<void>;
}

export async function startShimShards(count: number): Promise<ShimShards> {
  const base = new URL(stackConfig().redis.url);
  const token = randomBytes(12).toString('hex');
  const redisUrls = Array.from({ length: count }, (_, i) => {
    const url = new URL(base);
    url.pathname = `/${i + 1}`;
    return url.toString();
  });
  const shims = redisUrls.map((redisUrl) => createShim({ redisUrl, token }));
  const urls = await Promise.all(
    shims.map(
      (shim) =>
        new Promise<string>((resolve, reject) => {
          shim.server.once('error', reject);
          shim.server.listen(0, '127.0.0.1', () =>
            resolve(`http://127.0.0.1:${(shim.server.address() as AddressInfo).port}`),
          );
        }),
    ),
  );
  return {
    edgeEnv: { UPSTASH_REDIS_REST_URL: urls.join(','), UPSTASH_REDIS_REST_TOKEN: urls.map(() => token).join(',') },
    redisUrls,
    clients: urls.map((url) => new Redis({ url, token, automaticDeserialization: false, enableTelemetry: false })),
    stop: async () => {
      await Promise.all(shims.map((s) => s.close()));
    },
  };
}
