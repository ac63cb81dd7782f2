// Dead-letter sends stay under the broker's record-batch limit however many poison records a chunk holds.
import { describe, expect, it } from 'vitest';
import { chunkByBytes } from './deadLetter.ts';

const msg = (bytes: number, key: string | null = null) => ({ key, value: 'x'.repeat(bytes) });

describe('chunkByBytes', () => {
  it('keeps order and splits at the byte budget', () => {
    const messages = Array.from({ length: 10 }, (_, i) => ({ key: String(i), value: 'x'.repeat(99) }));
    const chunks = chunkByBytes(messages, 300);
    expect(chunks.map((c) => c.length)).toEqual([3, 3, 3, 1]);
    expect(chunks.flat()).toEqual(messages);
  });

  it('sends a message larger than the budget on its own rather than dropping it', () => {
    const chunks = chunkByBytes([msg(10), msg(500), msg(10)], 100);
    expect(chunks.map((c) => c.map((m) => m.value.length))).toEqual([[10], [500], [10]]);
  });

  it('counts multi-byte characters as bytes', () => {
    expect(chunkByBytes([msg(0, 'é'.repeat(60)), msg(0, 'é'.repeat(60))], 200)).toHaveLength(2);
  });

  it('returns nothing for nothing', () => {
    expect(chunkByBytes([])).toEqual([]);
  });
});
