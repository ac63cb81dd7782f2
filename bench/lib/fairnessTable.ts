// The fairness audit's Markdown: for one label column, a table per measure with a row per light × distance, a
// column per value and the largest gap between values. Pure: summary in, text out.
import type { Cell, Gap, Rate, Thresholds } from './fairnessSummary.ts';

const pct = (x: number) => (Number.isNaN(x) ? '–' : (100 * x).toFixed(0));
const withInterval = (r: Rate) => (r.n === 0 ? '–' : `${pct(r.rate)} (${pct(r.lo)}–${pct(r.hi)})`);
const gapText = (g: { points: number; low: string; high: string } | undefined) =>
  !g ? '–' : g.points < 0.5 ? '0' : `${g.points.toFixed(0)} (${g.low} < ${g.high})`;

interface Measure {
  title: string;
  cell: (c: Cell) => string;
  gap?: (g: Gap) => { points: number; low: string; high: string };
}

const measures = (t: Thresholds): Measure[] => [
  {
    title: `Detection recall as the exam runs the detector (both models, score ≥ ${t.presence}), % (95% interval)`,
    cell: (c) => withInterval(c.recall),
    gap: (g) => g.recall,
  },
  {
    title: `Full-range model alone (what finds a second, more distant person; score ≥ ${t.multiPerson}), % (95% interval)`,
    cell: (c) => withInterval(c.fullRecall),
    gap: (g) => g.fullRecall,
  },
  {
    title: 'Detector score on the face: median / 10th percentile (0 when not found)',
    cell: (c) => `${c.score.p50.toFixed(2)} / ${c.score.p10.toFixed(2)}`,
  },
  {
    title: 'Frames the preflight would tell to fix the distance first, %',
    cell: (c) => pct(c.fixDistance.rate),
  },
  {
    title: 'Frames the preflight would tell to fix the light first, judged on the whole frame, %',
    cell: (c) => pct(c.fixLight.rate),
    gap: (g) => g.fixLight,
  },
  {
    title: 'The same, judged on the room around the face (roomLuma), %',
    cell: (c) => pct(c.fixLightRoom.rate),
    gap: (g) => g.fixLightRoom,
  },
];

/** Light as the room's exposure factor, distance as the face's share of the frame width. */
export const lightLabel = (f: number) => `×${f}`;
export const sizeLabel = (s: number) => `${Math.round(100 * s)}%`;

/** The tables for `column` (cells and gaps from summarise), under a heading naming it. */
export function renderColumn(column: string, cells: Cell[], gaps: Gap[], t: Thresholds): string {
  const mine = cells.filter((c) => c.column === column);
  const values = [...new Set(mine.map((c) => c.value))];
  const rows = [...new Map(mine.map((c) => [`${c.light}|${c.size}`, { light: c.light, size: c.size }])).values()];
  const frames = values.map((v) => {
    const n = mine.find((c) => c.value === v)?.n ?? 0;
    return `${v} ${n}${n < t.minFrames ? ' (too few to compare)' : ''}`;
  });
  const out = [`### By ${column}`, '', `Frames per cell: ${frames.join(', ')}.`, ''];
  for (const m of measures(t)) {
    out.push(`${m.title}:`, '');
    out.push(`| light | face width | frame luma | ${values.join(' | ')} |${m.gap ? ' largest gap, points |' : ''}`);
    out.push(`|---|---|---|${values.map(() => '---|').join('')}${m.gap ? '---|' : ''}`);
    for (const { light, size } of rows) {
      const here = mine.filter((c) => c.light === light && c.size === size);
      const luma = Math.round(here.reduce((s, c) => s + c.medianLuma * c.n, 0) / here.reduce((s, c) => s + c.n, 0));
      const byValue = values.map((v) => {
        const c = here.find((x) => x.value === v);
        return c ? m.cell(c) : '–';
      });
      const gap = gaps.find((g) => g.column === column && g.light === light && g.size === size);
      const gapCell = m.gap ? ` ${gapText(gap && m.gap(gap))} |` : '';
      out.push(`| ${lightLabel(light)} | ${sizeLabel(size)} | ${luma} | ${byValue.join(' | ')} |${gapCell}`);
    }
    out.push('');
  }
  return out.join('\n');
}
