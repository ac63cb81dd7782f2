// The Upstash REST clients as the edge uses them: raw strings, bounded retries and a per-call timeout, one per shard
// (contracts shardOf) that the request touches.
import { shardOf } from '@proctor/contracts';
import { Redis } from '@upstash/redis/cloudflare';
import type { EdgeEnv } from '../env.ts';

function createRedis(config: EdgeEnv, url: string, token: string): Redis {
  return new Redis({
    url,
    token,
    // Values are ASCII we wrote ourselves (hex ids, numbers, our JSON): skip base64 and JSON guessing.
    responseEncoding: false,
    automaticDeserialization: false,
    enableTelemetry: false,
    // Commands issued in the same tick leave as one /pipeline request: /events/batch's rate-limit scripts, session
    // check and dedupe claims cost one round trip and one subrequest, which is most of its CPU.
    enableAutoPipelining: true,
    // A candidate's client retries the whole request with backoff; two quick retries here cover a blip only.
    retry: { retries: 2, backoff: (n) => 25 * 2 ** n },
    signal: () => AbortSignal.timeout(config.UPSTREAM_TIMEOUT_MS),
  });
}

/** The request's view of the edge's Upstash databases: the one a session's keys live on, the one a tenant's do. */
export interface EdgeShards {
  session(sessionId: string): Redis;
  tenant(tenantId: string): Redis;
}

/**
 * Built per request, each shard's client made on first use (most requests touch one shard, a few two). Not shared
 * across requests: the client's auto-pipeline would batch one request's commands into another's fetch, and a Worker
 * must not settle one request's promises from another's I/O. A client is a plain object (no socket), so this is cheap.
 */
export function createEdgeShards(config: EdgeEnv): EdgeShards {
  const urls = config.UPSTASH_REDIS_REST_URL;
  const made: Redis[] = [];
  const at = (i: number) => {
    made[i] ??= createRedis(config, urls[i]!, config.UPSTASH_REDIS_REST_TOKEN[i]!);
    return made[i];
  };
  return {
    session: (sessionId) => at(shardOf({ session: sessionId }, urls.length)),
    tenant: (tenantId) => at(shardOf({ tenant: tenantId }, urls.length)),
  };
}
