// The per-tenant event limit without a Redis call per batch: each isolate leases a block of tokens from the tenant's
// sliding window (one script call takes up to a block at once) and spends them locally; a refused or failed batch
// gives its tokens back to the lease, and what is left when the window turns is dropped (never carried over).
//
// Worst case, by construction: no overshoot. Every event admitted was first counted in the tenant's window in Redis,
// so the tenant's count is the same sliding window as a per-batch check would keep; a lease never outlives the
// window it was counted in. The price is the other way: tokens leased but unspent when a window turns were counted
// and not used, so a tenant at its limit may be refused up to (isolates holding a lease) × (LEASE_BLOCK − 1) events
// per minute early: with the default 600,000 a minute and 50 isolates, 1.7% of the limit.
import type { Redis } from '@upstash/redis/cloudflare';
import { evalScript, upstashScript } from '../services/upstashScript.ts';

/** Tokens one lease call asks for (at most; a batch needing more asks for what it needs). */
const LEASE_BLOCK = 200;

// KEYS: this window, the previous one. ARGV: limit, now (ms), window (ms), need, want. Takes min(want, free) tokens
// if at least `need` are free (free: the limit less this window's count and the previous one's weighted share), and
// returns how many; -1 when fewer than `need` are free (nothing counted).
const LEASE = upstashScript(`
local limit, now, window = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local need, want = tonumber(ARGV[4]), tonumber(ARGV[5])
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
local previous = tonumber(redis.call('GET', KEYS[2]) or '0')
local free = limit - current - math.floor((1 - (now % window) / window) * previous)
if free < need then return -1 end
local take = math.min(want, free)
local n = redis.call('INCRBY', KEYS[1], take)
if n == take then redis.call('PEXPIRE', KEYS[1], window * 2 + 1000) end
return take
`);

const WINDOW_MS = 60_000;

/**
 * The one call that touches a tenant-level key for the limit: takes between `need` and `want` tokens from the
 * tenant's window. `<prefix>:rl:tenant:{<tenantId>}:<window>`: both windows share the tenant's slot.
 */
function leaseTenantTokens(
  redis: Redis,
  prefix: string,
  tenantId: string,
  limit: number,
  now: number,
  need: number,
  want: number,
): Promise<number> {
  const window = Math.floor(now / WINDOW_MS);
  const tag = `${prefix}:rl:tenant:{${tenantId}}`;
  return evalScript<number>(
    redis,
    LEASE,
    [`${tag}:${window}`, `${tag}:${window - 1}`],
    [String(limit), String(now), String(WINDOW_MS), String(need), String(want)],
  );
}

interface Lease {
  window: number;
  tokens: number;
}

/** The isolate's leases (isolate-lifetime state), by prefix and tenant; a refusal is kept until its window turns. */
const leases = new Map<string, Lease>();
const refused = new Map<string, number>();

export type TenantDecision =
  | { ok: true; failedOpen: boolean; refund(): void }
  | { ok: false; retryAfterSeconds: number };

export interface TenantLimitOptions {
  redis: Redis;
  prefix: string;
  limit: number;
  /** Past this the call lets the batch through and says so (fail open, as @upstash/ratelimit does). */
  timeoutMs: number;
}

/** Spends `events` of the tenant's tokens, leasing a block first when the isolate's lease cannot cover them. */
export async function chargeTenant(
  o: TenantLimitOptions,
  tenantId: string,
  events: number,
  now: number,
): Promise<TenantDecision> {
  const window = Math.floor(now / WINDOW_MS);
  const reset = (window + 1) * WINDOW_MS;
  const retryAfterSeconds = Math.max(1, Math.ceil((reset - now) / 1000));
  const id = `${o.prefix}\u0000${tenantId}`;
  if ((refused.get(id) ?? 0) > now) return { ok: false, retryAfterSeconds };
  let lease = leases.get(id);
  if (!lease || lease.window !== window) {
    lease = { window, tokens: 0 };
    leases.set(id, lease);
  }
  const spend = (l: Lease) => {
    l.tokens -= events;
    return {
      ok: true as const,
      failedOpen: false,
      refund() {
        if (l.window === Math.floor(Date.now() / WINDOW_MS)) l.tokens += events;
      },
    };
  };
  if (lease.tokens >= events) return spend(lease);
  const need = events - lease.tokens;
  const want = Math.max(need, Math.min(LEASE_BLOCK, o.limit));
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), o.timeoutMs);
  });
  const call = leaseTenantTokens(o.redis, o.prefix, tenantId, o.limit, now, need, want);
  call.catch(() => {}); // a late error after a timeout: the batch already went on
  const taken = await Promise.race([call, timeout]).finally(() => clearTimeout(timer));
  if (taken === 'timeout') return { ok: true, failedOpen: true, refund() {} };
  if (taken < 0) {
    refused.set(id, reset);
    return { ok: false, retryAfterSeconds };
  }
  lease.tokens += taken;
  return spend(lease);
}
