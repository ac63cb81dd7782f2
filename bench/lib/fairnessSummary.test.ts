import { describe, expect, it } from 'vitest';
import { type FrameOutcome, summarise } from './fairnessSummary.ts';
import { renderColumn } from './fairnessTable.ts';

const t = { presence: 0.5, multiPerson: 0.6, minFrames: 3 };
const outcome = (photo: number, score: number, o: Partial<FrameOutcome> = {}): FrameOutcome => ({
  photo,
  light: 1,
  size: 0.25,
  luma: 100,
  roomLuma: 100,
  score,
  fullScore: score,
  fixLight: false,
  fixDistance: false,
  fixLightRoom: false,
  ...o,
});
// Four photos of group a (one missed), three of b (all found), one of c: too few to compare.
const labels = [
  { group: 'a', gender: 'f' },
  { group: 'a', gender: 'm' },
  { group: 'a', gender: 'f' },
  { group: 'a', gender: 'm' },
  { group: 'b', gender: 'f' },
  { group: 'b', gender: 'm' },
  { group: 'b', gender: 'f' },
  { group: 'c', gender: 'm' },
];
const outcomes = [
  outcome(0, 0.9),
  outcome(1, 0.8),
  outcome(2, 0.7, { fixLight: true }),
  outcome(3, 0, { fullScore: 0.55, fixLight: true }),
  outcome(4, 0.95),
  outcome(5, 0.9),
  outcome(6, 0.85),
  outcome(7, 0),
];

describe('summarise', () => {
  const { cells, gaps } = summarise(outcomes, labels, ['group', 'gender'], t);
  const cell = (column: string, value: string) => cells.find((c) => c.column === column && c.value === value)!;

  it('gives each value its recall with a Wilson interval, scores and advice', () => {
    const a = cell('group', 'a');
    expect(a.n).toBe(4);
    expect(a.recall).toMatchObject({ k: 3, n: 4, rate: 0.75 });
    expect(a.recall.lo).toBeCloseTo(0.301, 3);
    expect(a.fullRecall.k).toBe(3); // 0.55 is under the MULTI_PERSON score
    expect(a.score.p50).toBeCloseTo(0.75, 5);
    expect(a.fixLight.rate).toBe(0.5);
    expect(a.recallLightOk).toMatchObject({ k: 2, n: 2 });
  });

  it('measures the largest gap only between values with enough frames', () => {
    const g = gaps.find((x) => x.column === 'group')!;
    expect(g.values).toEqual(['a', 'b']);
    expect(g.recall).toEqual({ points: 25, low: 'a', high: 'b' });
    expect(g.fixLight.points).toBe(50);
    expect(cell('group', 'c').recall.rate).toBe(0);
  });

  it('groups by every column, each cell of light × distance apart', () => {
    expect(cell('gender', 'f').recall).toMatchObject({ k: 4, n: 4 });
    const two = summarise([...outcomes, outcome(0, 0, { light: 0.2 })], labels, ['group'], t);
    expect(two.cells.filter((c) => c.value === 'a').map((c) => [c.light, c.n])).toEqual([
      [1, 4],
      [0.2, 1],
    ]);
  });
});

describe('renderColumn', () => {
  const { cells, gaps } = summarise(outcomes, labels, ['group'], t);
  const md = renderColumn('group', cells, gaps, t);

  it('names the values, marks those too few to compare, and shows recall with its interval and the gap', () => {
    expect(md).toContain('Frames per cell: a 4, b 3, c 1 (too few to compare).');
    expect(md).toContain('| light | face width | frame luma | a | b | c | largest gap, points |');
    expect(md).toContain('| ×1 | 25% | 100 | 75 (30–95) | 100 (44–100) | 0 (0–79) | 25 (a < b) |');
  });

  it('shows the preflight advice per value', () => {
    expect(md).toContain('| ×1 | 25% | 100 | 50 | 0 | 0 | 50 (b < a) |');
  });
});
