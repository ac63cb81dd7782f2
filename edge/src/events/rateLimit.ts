// Per-session and per-tenant limits on /events/batch, and a per-session limit on start and end. The per-session ones
// are sliding windows kept in the session's own hash and checked first by the route's one script (events/admitBatch.ts,
// sessions/sessionLifecycle.ts); rateLimitWindow.ts prepares their arguments and keeps the isolate's cache of refused
// sessions. The tenant's is leased per isolate (tenantLease.ts). Heartbeats have their own limit without Redis
// (sessions/heartbeatLimit.ts).
import { ApiError } from '@proctor/contracts';
import type { Redis } from '@upstash/redis/cloudflare';
import type { EdgeEnv } from '../env.ts';
import { rateLimitWindow, type WindowCall, type WindowResult } from './rateLimitWindow.ts';
import { chargeTenant, type TenantLimitOptions } from './tenantLease.ts';

type RateLimitRefusal = { scope: 'session' | 'tenant'; retryAfterSeconds: number };

/**
 * Blocked identifiers are remembered in the isolate until their window resets (an ephemeral cache), so a client
 * hammering past its limit costs no Redis round trip. Module-level: it is the isolate-lifetime cache.
 */
const blockedCache = new Map<string, number>();

const WINDOW_MS = 60_000;

const limiter = (config: EdgeEnv, scope: string, limit: number) =>
  rateLimitWindow({
    prefix: `${config.REDIS_KEY_PREFIX}:rl:${scope}`,
    limit,
    windowMs: WINDOW_MS,
    blocked: blockedCache,
  });

/** The 429 every limited route answers, with Retry-After. */
export function rateLimited(decision: RateLimitRefusal): ApiError {
  return new ApiError(
    'RATE_LIMITED',
    `too many requests for this ${decision.scope}; retry after ${decision.retryAfterSeconds} s`,
    { headers: { 'Retry-After': String(decision.retryAfterSeconds) } },
  );
}

/**
 * Start and end share one per-session budget (default 30 a minute): room for reloads and retries while a runaway loop
 * is cut off. As a call for the route's own script, or its refusal from the isolate's cache.
 */
export function controlWindow(config: EdgeEnv, sessionId: string, now: number) {
  return limiter(config, 'control', config.RATE_LIMIT_SESSION_CONTROL_PER_MINUTE).prepare(sessionId, 1, now);
}

/** The 429 of a session budget that a route's own script found spent (the window resets at `reset`). */
export function sessionLimited(reset: number, now: number): ApiError {
  const retryAfterSeconds = Math.max(1, Math.ceil((reset - now) / 1000));
  return rateLimited({ scope: 'session', retryAfterSeconds });
}

/**
 * Two limits on /events/batch, checked in order: the events one session sends, then the events it really produces
 * for the tenant. The session's budget counts every event of a batch and is checked first, inside the batch's session
 * script, before any other Redis work (events/admitBatch.ts). The tenant's budget is charged only for a batch that
 * passed the session's own checks (session exists, is active, is this caller's, within its own limit), so one
 * candidate hammering their own limit (or a session that does not exist) can never spend the budget of everyone else
 * in the tenant.
 */
export function createRateLimits(tenantShard: (tenantId: string) => Redis, config: EdgeEnv) {
  const perSession = limiter(config, 'session', config.RATE_LIMIT_SESSION_EVENTS_PER_MINUTE);
  // The tenant's lease bucket lives on the tenant's shard (contracts shardOf), not the session's.
  const tenant = (tenantId: string): TenantLimitOptions => ({
    redis: tenantShard(tenantId),
    prefix: config.REDIS_KEY_PREFIX,
    limit: config.RATE_LIMIT_TENANT_EVENTS_PER_MINUTE,
    timeoutMs: config.UPSTREAM_TIMEOUT_MS,
  });
  return {
    session: (sessionId: string, events: number, now: number): WindowCall | WindowResult =>
      perSession.prepare(sessionId, Math.max(1, events), now),
    tenant: (tenantId: string, events: number, now: number) => chargeTenant(tenant(tenantId), tenantId, events, now),
  };
}
