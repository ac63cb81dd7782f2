// The goals check: recall and gaps over the frames the preflight lets through, the advice gap, and the light asked
// for wherever a value's recall falls under 95%.
import { describe, expect, it } from 'vitest';
import { checkGoals, renderGoals } from './fairnessGoals.ts';
import type { FrameOutcome } from './fairnessSummary.ts';

const t = { presence: 0.5, multiPerson: 0.6, minFrames: 2 };
const frame = (photo: number, o: Partial<FrameOutcome> = {}): FrameOutcome => ({
  photo,
  light: 1,
  size: 0.25,
  luma: 100,
  roomLuma: 100,
  score: 0.9,
  fullScore: 0.9,
  fixLight: false,
  fixDistance: false,
  fixLightRoom: false,
  ...o,
});
const labels = [{ g: 'a' }, { g: 'a' }, { g: 'b' }, { g: 'b' }];

describe('checkGoals', () => {
  it('every face found, same advice: every goal met', () => {
    const [row] = checkGoals(
      [0, 1, 2, 3].map((p) => frame(p)),
      labels,
      ['g'],
      t,
    );
    expect(row).toMatchObject({ passed: 4, recallGap: 0, fullGap: 0, adviceGap: 0, lowRecall: [] });
    expect(row!.met).toEqual({ recall: true, gap: true, fullGap: true, advice: true, flagged: true });
  });

  it('a miss among frames the preflight lets through fails recall and gap; full-range alone fails its gap', () => {
    const os = [frame(0), frame(1), frame(2, { score: 0.2, fullScore: 0.3 }), frame(3, { fullScore: 0.3 })];
    const [row] = checkGoals(os, labels, ['g'], t);
    expect(row).toMatchObject({ minRecall: { value: 'b', rate: 0.5 }, recallGap: 50, fullGap: 100 });
    expect(row!.met).toMatchObject({ recall: false, gap: false, fullGap: false, flagged: false });
    expect(row!.lowRecall).toEqual([{ value: 'b', recall: 0.5, toldLight: 0 }]);
  });

  it('misses only where the preflight asks for light: recall judged on no frame, flagged met; advice gap counted', () => {
    const dim = { fixLightRoom: true, score: 0.2 };
    const os = [frame(0, { fixLightRoom: true }), frame(1, { fixLightRoom: true }), frame(2, dim), frame(3, dim)];
    const [row] = checkGoals(os, labels, ['g'], t);
    expect(row).toMatchObject({ passed: 0, adviceGap: 0, lowRecall: [{ value: 'b', recall: 0, toldLight: 1 }] });
    expect(row!.met).toEqual({ advice: true, flagged: true });
    expect(renderGoals('g', [row!])).toContain('| ×1 | 25% | 0 | – | – | – | 0 ✓ | b 0% (100%) ✓ |');
  });

  it('the same light told to one value and not the other is an advice gap', () => {
    const os = [frame(0, { fixLightRoom: true }), frame(1, { fixLightRoom: true }), frame(2), frame(3)];
    const [row] = checkGoals(os, labels, ['g'], t);
    expect(row).toMatchObject({ adviceGap: 100, met: { advice: false } });
  });
});
