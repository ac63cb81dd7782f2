// Per-session and per-tenant limits on /events/batch, and a per-session limit on the session routes, each a sliding
// window in Redis (@upstash/ratelimit 2.0.x: 2.1+ opens its scripts with a shebang that open-source Redis 7.0
// refuses).

import { ApiError } from '@proctor/contracts';
import { Ratelimit } from '@upstash/ratelimit';
import type { Redis } from '@upstash/redis/cloudflare';
import type { EdgeEnv } from '../env.ts';

export type RateLimitDecision =
  | { ok: true; pending: Promise<unknown>; failedOpen: boolean }
  | { ok: false; scope: 'session' | 'tenant'; retryAfterSeconds: number; pending: Promise<unknown> };

/**
 * Blocked identifiers are remembered in the isolate until their window resets (the library's ephemeral cache), so
 * a client hammering past its limit costs no Redis round trip. Module-level: it is the isolate-lifetime cache.
 */
const blockedCache = new Map<string, number>();

const common = (redis: Redis, config: EdgeEnv) => ({
  redis,
  analytics: false,
  ephemeralCache: blockedCache,
  timeout: config.UPSTREAM_TIMEOUT_MS,
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
  const perSession = new Ratelimit({
    ...common(redis, config),
    prefix: `${config.REDIS_KEY_PREFIX}:rl:control`,
    limiter: Ratelimit.slidingWindow(config.RATE_LIMIT_SESSION_CONTROL_PER_MINUTE, '60 s'),
  });
  return async function checkControlLimit(sessionId: string, now: number): Promise<RateLimitDecision> {
    return decide('session', await perSession.limit(sessionId), now);
  };
}

/** The decision of one limiter call; on a Redis timeout the library lets the request through and says so. */
function decide(
  scope: 'session' | 'tenant',
  r: Awaited<ReturnType<Ratelimit['limit']>>,
  now: number,
): RateLimitDecision {
  if (!r.success) {
    return { ok: false, scope, retryAfterSeconds: Math.max(1, Math.ceil((r.reset - now) / 1000)), pending: r.pending };
  }
  return { ok: true, pending: r.pending, failedOpen: r.reason === 'timeout' };
}

/**
 * Two limits on /events/batch, checked in order: one batch for the session, then the events it really produces for
 * the tenant. The tenant's budget is charged only for a batch that passed the session's own checks (session
 * exists, is active, is this caller's, within its own limit), so one candidate hammering their own limit (or a
 * session that does not exist) can never spend the budget of everyone else in the tenant.
 */
export function createRateLimits(redis: Redis, config: EdgeEnv) {
  const shared = common(redis, config);
  const perSession = new Ratelimit({
    ...shared,
    prefix: `${config.REDIS_KEY_PREFIX}:rl:session`,
    limiter: Ratelimit.slidingWindow(config.RATE_LIMIT_SESSION_BATCHES_PER_MINUTE, '60 s'),
  });
  const perTenant = new Ratelimit({
    ...shared,
    prefix: `${config.REDIS_KEY_PREFIX}:rl:tenant`,
    limiter: Ratelimit.slidingWindow(config.RATE_LIMIT_TENANT_EVENTS_PER_MINUTE, '60 s'),
  });
  return {
    session: async (sessionId: string, now: number) => decide('session', await perSession.limit(sessionId), now),
    tenant: async (tenantId: string, events: number, now: number) =>
      decide('tenant', await perTenant.limit(tenantId, { rate: Math.max(1, events) }), now),
  };
}
