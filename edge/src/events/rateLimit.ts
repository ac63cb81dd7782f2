// Per-session and per-tenant limits on /events/batch, and a per-session limit on the session routes, each a sliding
// window in Redis (@upstash/ratelimit 2.0.x: 2.1+ opens its scripts with a shebang that open-source Redis 7.0
// refuses).
import { Ratelimit } from '@upstash/ratelimit';
import type { Redis } from '@upstash/redis/cloudflare';
import type { EdgeEnv } from '../env.ts';
import { ApiError } from '../errors.ts';

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
    const r = await perSession.limit(sessionId);
    if (!r.success) {
      return {
        ok: false,
        scope: 'session',
        retryAfterSeconds: Math.max(1, Math.ceil((r.reset - now) / 1000)),
        pending: r.pending,
      };
    }
    return { ok: true, pending: r.pending, failedOpen: r.reason === 'timeout' };
  };
}

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

  /** One batch for the session, `events` events for the tenant. Both run concurrently: one round trip. */
  return async function checkRateLimits(
    sessionId: string,
    tenantId: string,
    events: number,
    now: number,
  ): Promise<RateLimitDecision> {
    const [session, tenant] = await Promise.all([
      perSession.limit(sessionId),
      perTenant.limit(tenantId, { rate: Math.max(1, events) }),
    ]);
    const pending = Promise.all([session.pending, tenant.pending]);
    for (const [scope, r] of [
      ['session', session],
      ['tenant', tenant],
    ] as const) {
      if (!r.success)
        return { ok: false, scope, retryAfterSeconds: Math.max(1, Math.ceil((r.reset - now) / 1000)), pending };
    }
    // On a Redis timeout the library lets the request through and says so; the caller logs it.
    return { ok: true, pending, failedOpen: session.reason === 'timeout' || tenant.reason === 'timeout' };
  };
}
