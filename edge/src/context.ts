// The typed Hono context every route and middleware shares: per-request services and the verified identity.
import type { ExamTokenClaims, Logger, SessionId } from '@proctor/contracts';
import type { Redis } from '@upstash/redis/cloudflare';
import type { EdgeEnv } from './env.ts';
import type { EventProducer } from './kafka/producer.ts';
import type { EdgeShards } from './services/redis.ts';

export interface Clock {
  now(): number;
}

interface Services {
  config: EdgeEnv;
  /** The caller's session shard (set with `caller`): every per-session key of the request lives there. */
  redis: Redis;
  /** Every shard: `shards.tenant(id)` at the call sites of tenant-level keys (its event limit, its policies). */
  shards: EdgeShards;
  producer: EventProducer;
  clock: Clock;
  logger: Logger;
}

/** Set by the auth middleware: the token's claims and the session they name. */
interface Caller {
  claims: ExamTokenClaims;
  sessionId: SessionId;
}

export interface AppEnv {
  /**
   * requestLog: fields a handler adds to the request's one `http_request` log line (its outcome), so a hot route
   * costs one log line per request, not two.
   */
  Variables: Services & { requestId: string; caller: Caller; requestLog: Record<string, unknown> };
}
