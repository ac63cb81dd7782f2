// A record off its key's partition is counted: the sign of an edge partition count that differs from the topic's.
import { kafkaPartition, recordKey } from '@proctor/contracts';
import { describe, expect, it } from 'vitest';
import { countOffPartition } from './placement.ts';

const key = (id: string) => Buffer.from(recordKey(id));

describe('countOffPartition', () => {
  it("counts keyed records that are not on their key's partition, and never an unkeyed one", () => {
    const ids = Array.from({ length: 50 }, (_, i) => `session-${i}`);
    const onThree = ids.filter((id) => kafkaPartition(recordKey(id), 12) === 3);
    const elsewhere = ids.filter((id) => kafkaPartition(recordKey(id), 12) !== 3);
    expect(onThree.length).toBeGreaterThan(0);
    const messages = [...onThree, ...elsewhere.slice(0, 2)].map((id) => ({ key: key(id) }));
    expect(countOffPartition([...messages, { key: null }], 3, 12)).toBe(2);
  });

  it('sees an edge configured with fewer partitions than the topic has', () => {
    // The edge placed these over 6 partitions; the topic has 12, where kafkajs places the same keys.
    const ids = Array.from({ length: 200 }, (_, i) => `s-${i}`);
    const atTwo = ids.filter((id) => kafkaPartition(recordKey(id), 6) === 2).map((id) => ({ key: key(id) }));
    expect(countOffPartition(atTwo, 2, 12)).toBeGreaterThan(0);
    expect(countOffPartition(atTwo, 2, 6)).toBe(0);
  });
});
