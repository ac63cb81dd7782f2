// The Redis key layout shared by the edge and the processor. Per-session keys carry the Redis Cluster hash tag
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

/** The edge's session state hash (status, tenant, identity, config, startedAt, lastHeartbeatAt, endedAt). */
export const sessionStateKey = (sessionId: string, prefix?: string) => sessionKey(sessionId, 'session', prefix);

/**
 * The session's dedupe marks: one hash, field = eventId, value 'p' while its produce is in flight (or after a
 * crashed attempt) and 'd' once durable. About 40 bytes an event instead of ~180 for a key per event, and one
 * DEL when the session ends, since an ended session accepts no more events.
 */
export const eventMarksKey = (sessionId: string, prefix?: string) => sessionKey(sessionId, 'ev', prefix);

/**
 * Liveness is sharded into sorted sets scored by each session's deadline (last seen + N × heartbeat interval).
 * The processor sweeps members whose deadline passed with ZRANGEBYSCORE … LIMIT, a few shards at a time:
 * no full scan at 1M sessions, and no single hot key.
 *
 * A shard and its claims share the hash tag `{liveness:N}`, so the sweeper's claim script is single-slot on Redis
 * Cluster. A shard holds many sessions, so it can never share a slot with a session's own `{sessionId}` keys: no
 * script touches both. The edge writes a session's shard membership in a separate single-slot call after its
 * session script (edge/src/sessions/sessionStore.ts says why that is safe).
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

/** TTL of a session's edge state: refreshed by every heartbeat, so only abandoned sessions expire. */
export const SESSION_STATE_TTL_SECONDS = 8 * 60 * 60;

/** TTL of the marks hash, refreshed by every batch: longer than the oldest timestamp the edge accepts. */
export const EVENT_MARK_TTL_SECONDS = 7 * 60 * 60;

/**
 * Published policies, hash-tagged per tenant (`{policy:<tenantId>}`) so that the edge reads a tenant's policy and a
 * schedule's in one MGET on one slot. `v1` is the value format (contracts PublishedPolicy): a new format gets new
 * keys, so an old edge never misreads a new value.
 */
export const tenantPolicyKey = (tenantId: string, prefix = REDIS_PREFIX) => `${prefix}:{policy:${tenantId}}:v1:tenant`;
export const schedulePolicyKey = (tenantId: string, scheduleId: string, prefix = REDIS_PREFIX) =>
  `${prefix}:{policy:${tenantId}}:v1:schedule:${scheduleId}`;

/**
 * The live feed's change stream (contracts liveChanges): the processor appends one entry per MySQL commit, each
 * dashboard process follows it with one blocking XREAD. One key, so one slot on a Redis Cluster.
 */
export const liveChangesKey = (prefix = REDIS_PREFIX) => `${prefix}:live:changes`;
