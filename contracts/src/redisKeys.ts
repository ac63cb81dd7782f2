// The Redis key layout shared by the edge, the processor and the dashboard. Per-session keys carry the Redis Cluster hash tag
// `{sessionId}` so that everything of one session lives in one slot and scripts over it stay single-slot.

import { z } from 'zod';

export const REDIS_PREFIX = 'proctor';

/**
 * A deployment's key prefix (REDIS_KEY_PREFIX in every service; tests use a random one). No braces: a brace would
 * start a Cluster hash tag and move keys between slots.
 */
export const RedisKeyPrefix = z.string().regex(/^[A-Za-z0-9:._-]{1,64}$/, 'must be 1-64 of A-Z a-z 0-9 : . _ -');

/** Per-session key: `proctor:{<sessionId>}:<part>`. */
export function sessionKey(sessionId: string, part: string, prefix = REDIS_PREFIX): string {
  return `${prefix}:{${sessionId}}:${part}`;
}

/**
 * The edge's one hash per session: its state (status, tenant, identity, config, startedAt, lastHeartbeatAt, endedAt),
 * its event budget's window counters and its dedupe marks (eventMarkField). One key, so that a batch reads
 * everything it needs with one HMGET and writes with one HSET (Upstash bills every command, the script's own too).
 */
export const sessionStateKey = (sessionId: string, prefix?: string) => sessionKey(sessionId, 'session', prefix);

/**
 * A dedupe mark in the session's hash: field `m:<eventId>`, value 'p' while its produce is in flight (or after a
 * crashed attempt) and 'd' once durable. About 40 bytes an event; they go with the hash: dropped when the session
 * ends (an ended session accepts no more events) and expiring with it.
 */
export const eventMarkField = (eventId: string) => `m:${eventId}`;

/**
 * Liveness is sharded into sorted sets scored by each session's deadline (last seen + N × heartbeat interval).
 * The processor sweeps members whose deadline passed with ZRANGEBYSCORE … LIMIT, a few shards at a time:
 * no full scan at 1M sessions, and no single hot key.
 *
 * A shard and its claims share the hash tag `{liveness:N}`, so the sweeper's claim script is single-slot on Redis
 * Cluster. A shard holds many sessions, so it can never share a slot with a session's own `{sessionId}` keys: no
 * script touches both. The edge writes a session's shard membership in a separate single-slot call after its
 * session script (edge/src/sessions/sessionLifecycle.ts says why that is safe).
 */
export const LIVENESS_SHARDS = 64;

export function livenessShard(sessionId: string): number {
  // sessionId is hex SHA-256: its first 4 hex digits are uniformly distributed.
  return Number.parseInt(sessionId.slice(0, 4), 16) % LIVENESS_SHARDS;
}

export const livenessKey = (shard: number, prefix = REDIS_PREFIX) => `${prefix}:{liveness:${shard}}`;

/**
 * The processor's claimed lapses of one liveness shard (`sessionId:deadline`, scored by lease end): a claim stays
 * here until Kafka acknowledged its connection_lost record, so a sweeper that dies mid-claim loses nothing.
 */
export const livenessClaimsKey = (shard: number, prefix = REDIS_PREFIX) => `${livenessKey(shard, prefix)}:claims`;

/**
 * TTL of a session's edge state (with its marks): set by its start and renewed by its batches, so only abandoned
 * sessions expire; longer than the oldest timestamp the edge accepts. The processor's state keeps the same TTL.
 */
export const SESSION_STATE_TTL_SECONDS = 8 * 60 * 60;

/**
 * Most marks one session's hash may hold (distinct eventIds within SESSION_STATE_TTL_SECONDS). The client reports at
 * most a few hundred events a minute in its worst case, a few per minute typically; 20,000 is hours of the worst case
 * and bounds one session's hash to a few MB even at 128-character ids. A batch that would pass it is refused whole
 * (SESSION_EVENT_CAP), never partly dropped.
 */
export const EVENT_MARKS_MAX = 20_000;

/**
 * A closed session's tombstone, 'ended' or 'erased'. /sessions/start refuses a session that has one, and the processor
 * applies no record of an erased session: the session id is derived from the token, so without it the candidate's
 * still-valid token (its client re-opens a session the edge lost) or records still in Kafka would bring it back.
 */
export const sessionTombstoneKey = (sessionId: string, prefix?: string) => sessionKey(sessionId, 'closed', prefix);

/** The longest a tombstone is kept: an erasure (which cannot know the token's `exp`) keeps it this long. */
export const SESSION_TOMBSTONE_MAX_TTL_SECONDS = 30 * 24 * 60 * 60;

/**
 * A tombstone's TTL for a token expiring at `exp` (seconds; tolerance: the verifier's leeway): as long as the token
 * could still be accepted, at least the session state's TTL, at most SESSION_TOMBSTONE_MAX_TTL_SECONDS.
 */
export function tombstoneTtlSeconds(exp: number, nowMs: number, toleranceSeconds: number): number {
  const remaining = Math.ceil(exp + toleranceSeconds - nowMs / 1000);
  return Math.min(SESSION_TOMBSTONE_MAX_TTL_SECONDS, Math.max(SESSION_STATE_TTL_SECONDS, remaining));
}

/**
 * Published policies, hash-tagged per tenant (`{policy:<tenantId>}`) so that the edge reads a tenant's policy and a
 * schedule's in one MGET on one slot. `v1` is the value format (contracts PublishedPolicy): a new format gets new
 * keys, so an old edge never misreads a new value.
 */
export const tenantPolicyKey = (tenantId: string, prefix = REDIS_PREFIX) => `${prefix}:{policy:${tenantId}}:v1:tenant`;
export const schedulePolicyKey = (tenantId: string, scheduleId: string, prefix = REDIS_PREFIX) =>
  `${prefix}:{policy:${tenantId}}:v1:schedule:${scheduleId}`;

/**
 * The dashboard's proctor login sessions: one JSON value per session, named by a digest of the cookie's session id
 * (the dashboard hashes it, so whoever reads Redis keys still cannot make a cookie). No hash tag: each key is alone.
 */
export const loginSessionKey = (idDigest: string, prefix = REDIS_PREFIX) => `${prefix}:dash:session:${idDigest}`;

/** One fixed window of a dashboard rate limit (`name`: sign-in, receipt…), named by a digest of who is counted. */
export const dashboardRateKey = (name: string, whoDigest: string, prefix = REDIS_PREFIX) =>
  `${prefix}:dash:rate:${name}:${whoDigest}`;

/** A one-time notice for one page of one login session, named by a digest of both. */
export const dashboardFlashKey = (digest: string, prefix = REDIS_PREFIX) => `${prefix}:dash:flash:${digest}`;

/** One proctor's login sessions (a sorted set: session key → sign-in ms), named by a digest of tenant and proctor. */
export const proctorLoginSessionsKey = (proctorDigest: string, prefix = REDIS_PREFIX) =>
  `${prefix}:dash:sessions:${proctorDigest}`;

/** One proctor's live-stream leases (a sorted set), named by a digest of tenant and proctor. */
export const streamLeasesKey = (proctorDigest: string, prefix = REDIS_PREFIX) =>
  `${prefix}:dash:streams:${proctorDigest}`;

/**
 * The live feed's change stream (contracts liveChanges): the processor appends one entry per MySQL commit, each
 * dashboard process follows it with one blocking XREAD. One key, so one slot on a Redis Cluster.
 */
export const liveChangesKey = (prefix = REDIS_PREFIX) => `${prefix}:live:changes`;
