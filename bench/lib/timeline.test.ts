import { describe, expect, it } from 'vitest';
import { renderTimeline, type Sample, sums } from './timeline.ts';

const exposition = `# HELP processor_step_duration_ms Wall time of one side-effect step
# TYPE processor_step_duration_ms histogram
processor_step_duration_ms_bucket{le="1",step="redis_load"} 3
processor_step_duration_ms_sum{step="redis_load"} 12.5
processor_step_duration_ms_sum{step="mysql_write"} 40
processor_step_duration_ms_count{step="mysql_write"} 2
processor_chunk_duration_ms_sum 52.5
processor_chunk_duration_ms_count 4
processor_consumer_lag_ms{partition="0"} 120
processor_consumer_lag_ms{partition="11"} 7.5e+3
`;

describe('sums', () => {
  it('reads one series by label, not its buckets or counts', () => {
    expect([...sums(exposition, 'processor_step_duration_ms_sum', 'step')]).toEqual([
      ['redis_load', 12.5],
      ['mysql_write', 40],
    ]);
    expect(sums(exposition, 'processor_chunk_duration_ms_sum').get('')).toBe(52.5);
    expect(Math.max(...sums(exposition, 'processor_consumer_lag_ms', 'partition').values())).toBe(7500);
    expect(sums(exposition, 'processor_missing').size).toBe(0);
  });
});

describe('renderTimeline', () => {
  const sample = (at: number, lagMs: number): Sample => ({
    at,
    requests: 400,
    fivexx: 0,
    loopMaxMs: 20,
    cores: { workerd: 0.5 },
    lagMs,
    chunks: 10,
    chunkMs: 100,
    stepMs: { mysql_write: 60, redis_load: 0.2 },
  });
  const samples = [1, 2, 3, 4].map((k) => sample(10_000 + k * 1000, k === 3 ? 6000 : 100));

  it('puts each alert in the second it was created, with the worst latency of that second', () => {
    const lines = renderTimeline(samples, [
      [11_500, 300],
      [12_400, 6100],
      [12_900, 5900],
    ]).split('\n');
    expect(lines).toHaveLength(5);
    expect(lines[2]).toMatch(/^ {2}2 .* 1 \(300\)/);
    expect(lines[3]).toMatch(/^ {2}3 .* 6000 .* 2 \(6100\)/);
    expect(lines[3]).toContain('mysql_write 60');
    expect(lines[3]).not.toContain('redis_load'); // under a millisecond: noise
  });

  it('renders only the window asked for', () => {
    // Each sample covers the second before it: the one at 13 s covers 12–13 s, the one at 14 s 13–14 s.
    const lines = renderTimeline(samples, [], 12_500, 13_500).split('\n');
    expect(lines.slice(1).map((l) => l.trim().split(/\s+/)[0])).toEqual(['3', '4']);
  });
});
