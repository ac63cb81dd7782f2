// Kafka's default partitioner for keyed records, so that every producer of a session's records names one partition.

const SEED = 0x9747b28c;
const M = 0x5bd1e995;

/**
 * Java's `Utils.murmur2`: a signed 32-bit hash of the key bytes. Math.imul and `>>>` on int32 behave as Java's int
 * `*` and `>>>`, so the result is bit for bit the Java client's (and kafkajs' DefaultPartitioner's).
 */
export function murmur2(data: Uint8Array): number {
  const length = data.length;
  let h = SEED ^ length;
  const whole = length & ~3;
  for (let i = 0; i < whole; i += 4) {
    let k = data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24) | 0;
    k = Math.imul(k, M);
    k ^= k >>> 24;
    k = Math.imul(k, M);
    h = Math.imul(h, M) ^ k;
  }
  // The tail bytes fold in from the last one down, then one multiply, as in Java's fall-through switch.
  const tail = length & 3;
  if (tail === 3) h ^= data[whole + 2]! << 16;
  if (tail >= 2) h ^= data[whole + 1]! << 8;
  if (tail >= 1) h = Math.imul(h ^ data[whole]!, M);
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h | 0;
}

const utf8 = new TextEncoder();

/**
 * The partition Kafka's default partitioner picks for a keyed record: `toPositive(murmur2(key)) % partitions`, where
 * toPositive is the sign mask `& 0x7fffffff` (not Math.abs). A REST server that hashes otherwise (Redpanda's proxy
 * drops the mask) would split a session's records over two partitions, so the edge names this partition itself.
 */
export function kafkaPartition(key: string | Uint8Array, partitions: number): number {
  return (murmur2(typeof key === 'string' ? utf8.encode(key) : key) & 0x7fffffff) % partitions;
}
