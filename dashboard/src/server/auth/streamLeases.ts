// Live streams hold short leases under their proctor in Redis, so a proctor's open streams are capped and end with
// the login session they were opened under. One registry per process renews every open stream's lease and checks
// every login session they were opened under in one round trip per interval, however many streams are open.
import { randomBytes } from 'node:crypto';
import { loginSessionKey, streamLeasesKey } from '@proctor/contracts';
import type { RedisClient, RedisCommand } from '@proctor/contracts/redis';
import { redisScript, runScript, runScriptPipeline } from '@proctor/contracts/redis/scripts';
import { keyDigest } from './loginSessions.ts';

/**
 * KEYS[1] the proctor's stream leases (zset: stream id -> lease deadline). ARGV: now, lease ms, cap, mode
 * ('open' | 'renew'), then the stream ids. Expired leases (a crashed server's streams) are dropped first; 'open' takes
 * one place under the cap, 'renew' extends every id given (re-adding one that lapsed in a Redis hiccup). Returns 1 ok,
 * 0 over the cap. One key: the session keys live in other Redis Cluster slots, so they are checked beside it.
 */
const LEASE = redisScript(`
local now = tonumber(ARGV[1])
local deadline = now + tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if ARGV[4] == 'open' and redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then return 0 end
for i = 5, #ARGV do redis.call('ZADD', KEYS[1], deadline, ARGV[i]) end
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2]))
return 1
`);

export interface StreamOwner {
  tenantId: string;
  sub: string;
  /** The login session a cookie stream was opened under; a bearer token's stream has none. */
  sessionId?: string | undefined;
}

export interface StreamLease {
  /** Called once, within one renew interval, when the login session has ended (logout). */
  onEnded(fn: () => void): void;
  release(): Promise<void>;
}

export type OpenResult = { status: 'ok'; lease: StreamLease } | { status: 'full' } | { status: 'ended' };

interface Held {
  leasesKey: string;
  sessionKey: string;
  streamId: string;
  ended: boolean;
  onEnded?: () => void;
}

export interface StreamLeaseOptions {
  /** Places per proctor (MAX_STREAMS_PER_PROCTOR). */
  cap: number;
  /** Renew interval (SESSION_CHECK_MS): a stream ends at most this long after its session. */
  intervalMs: number;
  /** How long a lease outlives its last renewal: a crashed server's places free after it. */
  leaseMs: number;
}

export function createStreamLeases(redis: RedisClient, prefix: string, opts: StreamLeaseOptions) {
  const held = new Set<Held>();
  let timer: ReturnType<typeof setInterval> | undefined;
  let renewing = false;

  function end(h: Held) {
    if (h.ended) return;
    h.ended = true;
    h.onEnded?.();
  }

  /** One round trip: a script call per proctor (all its streams here) and an EXISTS per login session. */
  async function renewAll() {
    if (renewing || !held.size) return;
    renewing = true;
    try {
      const byProctor = new Map<string, string[]>();
      const bySession = new Map<string, Held[]>();
      for (const h of held) {
        byProctor.set(h.leasesKey, [...(byProctor.get(h.leasesKey) ?? []), h.streamId]);
        if (h.sessionKey) bySession.set(h.sessionKey, [...(bySession.get(h.sessionKey) ?? []), h]);
      }
      const now = Date.now();
      const commands: RedisCommand[] = [
        ...[...byProctor].map(([key, ids]): RedisCommand => {
          return ['evalsha', LEASE.sha, 1, key, now, opts.leaseMs, opts.cap, 'renew', ...ids];
        }),
        ...[...bySession.keys()].map((key): RedisCommand => ['exists', key]),
      ];
      const results = await runScriptPipeline(redis, [LEASE], commands);
      const exists = results.slice(byProctor.size);
      [...bySession.values()].forEach((streams, i) => {
        if (exists[i] === 0) for (const h of streams) end(h);
      });
    } finally {
      renewing = false;
    }
  }

  function track(h: Held) {
    held.add(h);
    // A Redis hiccup keeps the streams (their leases may lapse); the next interval tries again.
    timer ??= setInterval(() => void renewAll().catch(() => undefined), opts.intervalMs);
  }

  async function release(h: Held) {
    if (!held.delete(h)) return;
    if (!held.size && timer) {
      clearInterval(timer);
      timer = undefined;
    }
    await redis.zrem(h.leasesKey, h.streamId);
  }

  return {
    /** Takes a place for a new stream: 'full' over the proctor's cap, 'ended' if its login session is gone. */
    async open(owner: StreamOwner): Promise<OpenResult> {
      const h: Held = {
        leasesKey: streamLeasesKey(keyDigest(`${owner.tenantId}\u0000${owner.sub}`), prefix),
        sessionKey: owner.sessionId ? loginSessionKey(keyDigest(owner.sessionId), prefix) : '',
        streamId: randomBytes(12).toString('base64url'),
        ended: false,
      };
      // Checked before the lease, not in its script (another slot). A logout between the two leaves a lease that
      // the next renewal finds ended and drops: a stream outlives its session by at most one interval.
      if (h.sessionKey && (await redis.exists(h.sessionKey)) === 0) return { status: 'ended' };
      const r = await runScript(redis, LEASE, [h.leasesKey], [Date.now(), opts.leaseMs, opts.cap, 'open', h.streamId]);
      if (r !== 1) return { status: 'full' };
      track(h);
      return {
        status: 'ok',
        lease: {
          onEnded(fn) {
            h.onEnded = fn;
            if (h.ended) fn();
          },
          release: () => release(h),
        },
      };
    },
    close() {
      if (timer) clearInterval(timer);
      timer = undefined;
      held.clear();
    },
  };
}

export type StreamLeases = ReturnType<typeof createStreamLeases>;
