// Per-session and per-tenant limits on /events/batch, and a per-session limit on the session routes, each a sliding
// window in Redis (rateLimitWindow.ts: single-slot, so it runs on a Redis Cluster too). The per-session windows share
// the session's `{sessionId}` slot, so a route's session script can check them first (events/admitBatch.ts,
// sessions/sessionLifecycle.ts touchSession).
import { ApiError } from '@proctor/contracts';
import type { Redis } from '@upstash/redis/cloudflare';
import type { EdgeEnv } from '../env.ts';
import { rateLimitWindow, type WindowCall, type WindowResult } from './rateLimitWindow.ts';

export type RateLimitDecision =
  | { ok: true; failedOpen: boolean }
  | { ok: false; scope: 'session' | 'tenant'; retryAfterSeconds: number };

/**
 * Blocked identifiers are remembered in the isolate until their window resets (an ephemeral cache), so a client
 * hammering past its limit costs no Redis round trip. Module-level: it is the isolate-lifetime cache.
 */
const blockedCache = new Map<string, number>();

const WINDOW_MS = 60_000;

const limiter = (redis: Redis, config: EdgeEnv, scope: string, limit: number) =>
  rateLimitWindow(redis, {
    prefix: `${config.REDIS_KEY_PREFIX}:rl:${scope}`,
    limit,
    windowMs: WINDOW_MS,
    timeoutMs: config.UPSTREAM_TIMEOUT_MS,
    blocked: blockedCache,
  });

/** The 429 every limited route answers, with Retry-After. */
export function rateLimited(decision: Extract<RateLimitDecision, { ok: false }>): ApiError {
  return new ApiError(
    'RATE_LIMITED',
    `too many requests for this ${decision.scope}; retry after ${decision.retryAfterSeconds} s`,
    { headers: { 'Retry-After': String(decision.retryAfterSeconds) } },
  );
}

/**
 * Start, heartbeat and end share one per-session budget: a client heartbeats at most every 5 s (12 a minute),
 * so the default of 30 leaves room for starts, ends and retries while a runaway loop is cut off.
 */
export function createControlLimit(redis: Redis, config: EdgeEnv) {
  const perSession = limiter(redis, config, 'control', config.RATE_LIMIT_SESSION_CONTROL_PER_MINUTE);
  return async function checkControlLimit(sessionId: string, now: number): Promise<RateLimitDecision> {
    return decide('session', await perSession(sessionId, 1, now), now);
  };
}

/** The control budget as a call for the heartbeat's own script (or its refusal from the isolate's cache). */
export function controlWindow(redis: Redis, config: EdgeEnv, sessionId: string, now: number) {
  return limiter(redis, config, 'control', config.RATE_LIMIT_SESSION_CONTROL_PER_MINUTE).prepare(sessionId, 1, now);
}

/** The decision of one limiter call; on a Redis timeout the limiter lets the request through and says so. */
function decide(scope: 'session' | 'tenant', r: WindowResult, now: number): RateLimitDecision {
  if (!r.success) return { ok: false, scope, retryAfterSeconds: Math.max(1, Math.ceil((r.reset - now) / 1000)) };
  return { ok: true, failedOpen: r.reason === 'timeout' };
}

/** The 429 of a session budget that a route's own script found spent (the window resets at `reset`). */
export function sessionLimited(reset: number, now: number): ApiError {
  const retryAfterSeconds = Math.max(1, Math.ceil((reset - now) / 1000));
  return rateLimited({ ok: false, scope: 'session', retryAfterSeconds });
}

/**
 * Two limits on /events/batch, checked in order: the events one session sends, then the events it really produces
 * for the tenant. The session's budget counts every event of a batch and is checked first, inside the batch's session
 * script, before any other Redis work (events/admitBatch.ts). The tenant's budget is charged only for a batch that
 * passed the session's own checks (session exists, is active, is this caller's, within its own limit), so one
 * candidate hammering their own limit (or a session that does not exist) can never spend the budget of everyone else
 * in the tenant.
 */
export function createRateLimits(redis: Redis, config: EdgeEnv, tenantShard: (tenantId: string) => Redis) {
  const perSession = limiter(redis, config, 'session', config.RATE_LIMIT_SESSION_EVENTS_PER_MINUTE);
  // The tenant's window lives on the tenant's shard (contracts shardOf), `redis` being the session's.
  const perTenant = (tenantId: string) =>
    limiter(tenantShard(tenantId), config, 'tenant', config.RATE_LIMIT_TENANT_EVENTS_PER_MINUTE);
  return {
    session: (sessionId: string, events: number, now: number): WindowCall | WindowResult =>
      perSession.prepare(sessionId, Math.max(1, events), now),
    tenant: async (tenantId: string, events: number, now: number) =>
      decide('tenant', await perTenant(tenantId)(tenantId, Math.max(1, events), now), now),
  };
}
