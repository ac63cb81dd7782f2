// The issue's goals checked on the audit's frames, per label column × light × distance: recall and its gap over the
// frames the preflight lets through (light judged on the room, distance), the full-range model's gap there, the
// light advice's gap, and whether the preflight asked for light wherever a value's recall fell under 95%. Pure.
import type { FrameOutcome, Thresholds } from './fairnessSummary.ts';

/** The goals' lines (issue 27): recall and gaps in points of 100. */
const GOALS = { recall: 0.99, gap: 2, fullGap: 5, adviceGap: 5, flagBelow: 0.95 } as const;

export interface GoalRow {
  column: string;
  light: number;
  size: number;
  /** Frames the preflight lets through (neither light, judged on the room, nor distance to fix), all values. */
  passed: number;
  /** Over the passed frames of values with at least minFrames of them: the lowest recall and its value. */
  minRecall?: { value: string; rate: number };
  recallGap?: number;
  fullGap?: number;
  /** The light advice (room-judged) over all frames of values with at least minFrames: largest minus smallest. */
  adviceGap?: number;
  /** Values whose recall over all their frames is under GOALS.flagBelow, with the share told to fix the light. */
  lowRecall: Array<{ value: string; recall: number; toldLight: number }>;
  /** Each goal met here (undefined: nothing to judge, e.g. no passed frames). */
  met: { recall?: boolean; gap?: boolean; fullGap?: boolean; advice?: boolean; flagged: boolean };
}

const share = (os: FrameOutcome[], f: (o: FrameOutcome) => boolean) => os.filter(f).length / os.length;
const spread = (xs: number[]) => (xs.length >= 2 ? 100 * (Math.max(...xs) - Math.min(...xs)) : undefined);

export function checkGoals(
  outcomes: FrameOutcome[],
  labels: Array<Record<string, string>>,
  columns: string[],
  t: Thresholds,
): GoalRow[] {
  const lights = [...new Set(outcomes.map((o) => o.light))].sort((a, b) => b - a);
  const sizes = [...new Set(outcomes.map((o) => o.size))].sort((a, b) => a - b);
  const rows: GoalRow[] = [];
  for (const column of columns) {
    const values = [...new Set(labels.map((l) => l[column]!))].sort();
    for (const light of lights) {
      for (const size of sizes) {
        const cell = outcomes.filter((o) => o.light === light && o.size === size);
        const passed = cell.filter((o) => !o.fixLightRoom && !o.fixDistance);
        const byValue = (os: FrameOutcome[]) =>
          values
            .map((value) => ({ value, os: os.filter((o) => labels[o.photo]![column] === value) }))
            .filter((v) => v.os.length >= t.minFrames);
        const fine = byValue(passed).map(({ value, os }) => ({
          value,
          recall: share(os, (o) => o.score >= t.presence),
          full: share(os, (o) => o.fullScore >= t.multiPerson),
        }));
        const all = byValue(cell);
        const lowest = [...fine].sort((a, b) => a.recall - b.recall)[0];
        const recallGap = spread(fine.map((v) => v.recall));
        const fullGap = spread(fine.map((v) => v.full));
        const adviceGap = spread(all.map((v) => share(v.os, (o) => o.fixLightRoom)));
        const lowRecall = all
          .map(({ value, os }) => ({
            value,
            recall: share(os, (o) => o.score >= t.presence),
            toldLight: share(os, (o) => o.fixLightRoom),
          }))
          .filter((v) => v.recall < GOALS.flagBelow);
        rows.push({
          column,
          light,
          size,
          passed: passed.length,
          ...(lowest && { minRecall: { value: lowest.value, rate: lowest.recall } }),
          ...(recallGap !== undefined && { recallGap }),
          ...(fullGap !== undefined && { fullGap }),
          ...(adviceGap !== undefined && { adviceGap }),
          lowRecall,
          met: {
            ...(lowest && { recall: lowest.recall >= GOALS.recall }),
            ...(recallGap !== undefined && { gap: recallGap <= GOALS.gap }),
            ...(fullGap !== undefined && { fullGap: fullGap <= GOALS.fullGap }),
            ...(adviceGap !== undefined && { advice: adviceGap <= GOALS.adviceGap }),
            flagged: lowRecall.every((v) => v.toldLight === 1),
          },
        });
      }
    }
  }
  return rows;
}

const mark = (ok: boolean | undefined) => (ok === undefined ? '' : ok ? ' ✓' : ' ✗');
const pts = (x: number | undefined, ok: boolean | undefined) => (x === undefined ? '–' : `${x.toFixed(0)}${mark(ok)}`);

/** One Markdown table for `column`'s rows. */
export function renderGoals(column: string, rows: GoalRow[]): string {
  const out = [
    `Goals by ${column} (over the frames the preflight lets through: recall ≥ ${100 * GOALS.recall}%, gap ≤ ${GOALS.gap} points, ` +
      `full-range gap ≤ ${GOALS.fullGap}; light advice gap ≤ ${GOALS.adviceGap} over all frames; where a value's recall is ` +
      `under ${100 * GOALS.flagBelow}%, every one of its frames told to fix the light):`,
    '',
    '| light | face width | frames let through | lowest recall there, % | gap | full-range gap | advice gap | recall under 95% (told to fix the light) |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const r of rows.filter((x) => x.column === column)) {
    const low = r.minRecall
      ? `${(100 * r.minRecall.rate).toFixed(0)} (${r.minRecall.value})${mark(r.met.recall)}`
      : '–';
    const flagged = r.lowRecall.length
      ? `${r.lowRecall.map((v) => `${v.value} ${(100 * v.recall).toFixed(0)}% (${(100 * v.toldLight).toFixed(0)}%)`).join(', ')}${mark(r.met.flagged)}`
      : 'none';
    out.push(
      `| ×${r.light} | ${Math.round(100 * r.size)}% | ${r.passed} | ${low} | ${pts(r.recallGap, r.met.gap)} | ` +
        `${pts(r.fullGap, r.met.fullGap)} | ${pts(r.adviceGap, r.met.advice)} | ${flagged} |`,
    );
  }
  return out.join('\n');
}
