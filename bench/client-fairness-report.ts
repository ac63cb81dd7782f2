// Re-renders the fairness audit's Markdown, with its goals check, from one or more of its JSON results (e.g. one run
// per expression, combined): every frame's outcome is kept there with its file, and labels.csv gives the labels.
//   FAIRNESS_DATA=<folder> scripts/node24.sh node bench/client-fairness-report.ts a.json b.json > audit.md
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { checkGoals, renderGoals } from './lib/fairnessGoals.ts';
import { type FrameOutcome, summarise, type Thresholds } from './lib/fairnessSummary.ts';
import { lightLabel, renderColumn, sizeLabel } from './lib/fairnessTable.ts';
import { parseLabels } from './lib/labels.ts';

const root = resolve(import.meta.dirname, '..');
const DATA = resolve(process.env.FAIRNESS_DATA ?? join(root, '..', 'shared', 'data', 'faces-london'));
const files = process.argv.slice(2);
if (files.length === 0) throw new Error('usage: client-fairness-report.ts <result.json>...');

interface Result {
  meta: { thresholds: Thresholds; where?: string; frame: string; detector: string };
  outcomes: Array<FrameOutcome & { file: string }>;
}
const results = files.map((f) => JSON.parse(readFileSync(f, 'utf8')) as Result);
const labelled = parseLabels(readFileSync(join(DATA, 'labels.csv'), 'utf8'));
const index = new Map(labelled.photos.map((p, i) => [p.file, i]));
const outcomes = results.flatMap((r) =>
  r.outcomes.map(({ file, ...o }) => {
    const photo = index.get(file);
    if (photo === undefined) throw new Error(`${file} is not in ${DATA}/labels.csv`);
    return { ...o, photo };
  }),
);
const thresholds = results[0]!.meta.thresholds;
const labels = labelled.photos.map((p) => p.labels);
const used = [...new Set(outcomes.map((o) => o.photo))];
// A column with one value among the photos measured (e.g. the expression of a one-expression run) compares nothing.
const columns = labelled.columns.filter((c) => new Set(used.map((i) => labels[i]![c])).size > 1);
const { cells, gaps } = summarise(outcomes, labels, columns, thresholds);
const lights = [...new Set(outcomes.map((o) => o.light))].sort((a, b) => b - a);
const sizes = [...new Set(outcomes.map((o) => o.size))].sort((a, b) => a - b);
console.log(
  [
    `## Detector fairness: ${used.length} photos from ${DATA} (${results.map((r) => r.meta.where ?? 'all').join(' + ')})`,
    '',
    `Frames ${results[0]!.meta.frame}; lights ${lights.map(lightLabel).join(', ')}; face widths ` +
      `${sizes.map(sizeLabel).join(', ')}; detector ${results[0]!.meta.detector}; ${outcomes.length} frames.`,
    '',
    ...columns.flatMap((c) => [
      renderColumn(c, cells, gaps, thresholds),
      renderGoals(c, checkGoals(outcomes, labels, [c], thresholds)),
      '',
    ]),
  ].join('\n'),
);
