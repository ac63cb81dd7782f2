// The Upstash REST client as the edge uses it: raw strings, bounded retries and a per-call timeout.
import { Redis } from '@upstash/redis/cloudflare';
import type { EdgeEnv } from '../env.ts';

export function createRedis(config: EdgeEnv): Redis {
  return new Redis({
    url: config.UPSTASH_REDIS_REST_URL,
    token: config.UPSTASH_REDIS_REST_TOKEN,
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
