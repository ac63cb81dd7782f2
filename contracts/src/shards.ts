// Which of N edge stores (Upstash databases; their Redis for the processor and the dashboard) holds a key: a
// session's keys live on the shard its id hashes to, a tenant's keys (its event limit, its published policies) on the
// shard its id hashes to. The one function every service routes edge keys through.
//
// Jump consistent hash (Lamping & Veach, 2014) over a stable 64-bit hash: going from N to N+1 shards moves exactly
// the keys that land on the new shard (about 1/(N+1) of them) and never moves a key between two old shards.

/** Who owns a key: a session (hex SHA-256 id) or a tenant. */
export type ShardOwner = { session: string } | { tenant: string };

const MASK64 = (1n << 64n) - 1n;
const FNV_OFFSET = 0xcbf29ce484222325n;
const FNV_PRIME = 0x100000001b3n;
const HEX64 = /^[0-9a-f]{64}$/;
const utf8 = new TextEncoder();

/** MurmurHash3's 64-bit finalizer: every input bit reaches every output bit (FNV alone leaves short ids clustered). */
function fmix64(h: bigint): bigint {
  let k = h;
  k ^= k >> 33n;
  k = (k * 0xff51afd7ed558ccdn) & MASK64;
  k ^= k >> 33n;
  k = (k * 0xc4ceb9fe1a85ec53n) & MASK64;
  k ^= k >> 33n;
  return k;
}

/** FNV-1a 64 of the UTF-8 bytes, finalized: stable across runtimes and releases (it decides where data lives). */
function stringHash64(s: string): bigint {
  let h = FNV_OFFSET;
  for (const byte of utf8.encode(s)) h = ((h ^ BigInt(byte)) * FNV_PRIME) & MASK64;
  return fmix64(h);
}

/**
 * The owner's stable 64-bit hash. A session id is already a uniform SHA-256: its second 64 bits are taken as they
 * are (the first hex digits pick its liveness shard, contracts redisKeys, so they are left out). Anything else, and
 * a session id not in that form, goes through stringHash64. Sessions and tenants hash in separate namespaces.
 */
function ownerHash64(owner: ShardOwner): bigint {
  if ('session' in owner) {
    const id = owner.session;
    return HEX64.test(id) ? BigInt(`0x${id.slice(16, 32)}`) : stringHash64(`session:${id}`);
  }
  return stringHash64(`tenant:${owner.tenant}`);
}

/** Jump consistent hash: the bucket in [0, buckets) of a 64-bit key. */
export function jumpHash(key: bigint, buckets: number): number {
  if (!Number.isInteger(buckets) || buckets < 1) throw new Error(`jumpHash: buckets must be ≥ 1, got ${buckets}`);
  let k = key & MASK64;
  let b = -1;
  let j = 0;
  while (j < buckets) {
    b = j;
    k = (k * 2862933555777941757n + 1n) & MASK64;
    j = Math.floor((b + 1) * (2 ** 31 / (Number(k >> 33n) + 1)));
  }
  return b;
}

/** The shard, in [0, count), of the owner's keys. */
export function shardOf(owner: ShardOwner, count: number): number {
  return count === 1 ? 0 : jumpHash(ownerHash64(owner), count);
}

/** A list of per-shard clients, in configuration order, picked by owner. */
export interface Shards<T> {
  readonly all: readonly T[];
  session(sessionId: string): T;
  tenant(tenantId: string): T;
}

export function shardList<T>(clients: readonly T[]): Shards<T> {
  if (!clients.length) throw new Error('shardList: name at least one shard');
  const all = [...clients];
  return {
    all,
    session: (sessionId) => all[shardOf({ session: sessionId }, all.length)]!,
    tenant: (tenantId) => all[shardOf({ tenant: tenantId }, all.length)]!,
  };
}
