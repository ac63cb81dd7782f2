import { describe, expect, it } from 'vitest';
import { shardBalance } from './upstashCount.ts';

describe('shardBalance', () => {
  it("gives each database's rate (less the INFO that read it) and its distance from the mean", () => {
    const line = shardBalance([10, 20, 30], [111, 221, 331], 1000);
    expect(line).toBe('100/s (−50.0 %), 200/s (+0.0 %), 300/s (+50.0 %); worst 50.0 % from the mean');
  });

  it('reads an even spread as even', () => {
    expect(shardBalance([0, 0], [2001, 2001], 2000)).toBe(
      '1000/s (+0.0 %), 1000/s (+0.0 %); worst 0.0 % from the mean',
    );
  });
});
