// Kafka's default partitioner, bit for bit: Java's murmur2 vectors and the sign mask a REST server may drop.
import { describe, expect, it } from 'vitest';
import { kafkaPartition, murmur2 } from './partition.ts';

const bytes = (s: string) => new TextEncoder().encode(s);

/** Redpanda's HTTP proxy (partitioners.cc): the same murmur2, its 32 bits taken unsigned, with no sign mask. */
const unmaskedPartition = (key: string, partitions: number) => (murmur2(bytes(key)) >>> 0) % partitions;

describe('murmur2', () => {
  // Kafka's own vectors (clients' UtilsTest.testMurmur2): every tail length 0–3 and a negative result.
  it.each([
    ['21', -973932308],
    ['foobar', -790332482],
    ['a-little-bit-long-string', -985981536],
    ['a-little-bit-longer-string', -1486304829],
    ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
    ['abc', 479470107],
  ])('hashes %s as the Java client does', (key, hash) => {
    expect(murmur2(bytes(key))).toBe(hash);
  });
});

describe('kafkaPartition', () => {
  it('masks the sign bit, as Java toPositive does: (hash & 0x7fffffff) % partitions', () => {
    // -790332482 & 0x7fffffff = 1357151166.
    expect(kafkaPartition('foobar', 10)).toBe(1357151166 % 10);
    expect(kafkaPartition('foobar', 12)).toBe(6);
  });

  it('differs from an unmasked hash for keys whose hash is negative (Redpanda would split such a session)', () => {
    // Over 12 partitions 2^31 % 12 = 8, so a negative hash lands 8 partitions away without the mask.
    for (const key of ['21', 'foobar', 'a-little-bit-long-string', '"session-1"']) {
      if (murmur2(bytes(key)) >= 0) continue;
      expect(kafkaPartition(key, 12)).not.toBe(unmaskedPartition(key, 12));
    }
    expect(kafkaPartition('21', 12)).toBe((-973932308 & 0x7fffffff) % 12);
    expect(unmaskedPartition('21', 12)).not.toBe(kafkaPartition('21', 12));
  });

  it('agrees with an unmasked hash when the hash is positive', () => {
    expect(murmur2(bytes('abc'))).toBeGreaterThan(0);
    expect(kafkaPartition('abc', 12)).toBe(unmaskedPartition('abc', 12));
  });
});
