// The fairness audit's arithmetic: each analysed frame's outcome grouped by a label's value × light × distance,
// into recall with its Wilson interval, score quantiles, the preflight's advice, and the largest gap between
// values. Pure: outcomes in, summary out (bench/client-fairness.ts measures, fairnessTable.ts renders).
import { quantile, wilson } from './stats.ts';

export interface FrameOutcome {
  /** Index into the label set's photos. */
  photo: number;
  /** Exposure factor of the room (1: well lit). */
  light: number;
  /** Face width as a fraction of the frame's width, as placed. */
  size: number;
  /** Mean luma of the whole analysis frame (what the preflight and LOW_LIGHT read before roomLuma). */
  luma: number;
  /** Mean luma of the analysis frame outside the detected face (roomLuma). */
  roomLuma: number;
  /** Best score of a detection on the face as the exam runs the detector; 0 when it found none. */
  score: number;
  /** The same from the full-range model alone (what finds a second, more distant person). */
  fullScore: number;
  /** The preflight's verdict on a steady window of this frame: the light and the face size (distance) checks. */
  fixLight: boolean;
  fixDistance: boolean;
  /** The light check's verdict from the room's luma instead of the whole frame's. */
  fixLightRoom: boolean;
}

export interface Thresholds {
  /** A face counts as present at this score (the deriver's presenceScore). */
  presence: number;
  /** A face counts for MULTI_PERSON at this score (the deriver's multiPersonScore). */
  multiPerson: number;
  /** Values with fewer frames in a cell are shown but left out of the gap. */
  minFrames: number;
}

export interface Rate {
  k: number;
  n: number;
  rate: number;
  lo: number;
  hi: number;
}

export interface Cell {
  column: string;
  value: string;
  light: number;
  size: number;
  n: number;
  medianLuma: number;
  recall: Rate;
  /** Recall over the frames whose light the preflight calls fine (n 0: it called none fine). */
  recallLightOk: Rate;
  fullRecall: Rate;
  score: { p10: number; p25: number; p50: number };
  fixLight: Rate;
  fixLightRoom: Rate;
  fixDistance: Rate;
}

export interface Gap {
  column: string;
  light: number;
  size: number;
  /** The values compared (each with at least minFrames frames). */
  values: string[];
  /** Largest minus smallest, in points (0–100), with the values at each end. */
  recall: { points: number; low: string; high: string };
  fullRecall: { points: number; low: string; high: string };
  fixLight: { points: number; low: string; high: string };
  fixLightRoom: { points: number; low: string; high: string };
}

const rate = (k: number, n: number): Rate => ({ k, n, rate: n ? k / n : Number.NaN, ...wilson(k, n) });

function spread(cells: Cell[], pick: (c: Cell) => number) {
  const sorted = [...cells].sort((a, b) => pick(a) - pick(b));
  const low = sorted[0]!;
  const high = sorted[sorted.length - 1]!;
  return { points: 100 * (pick(high) - pick(low)), low: low.value, high: high.value };
}

/** Cells for every column × value × light × size that has frames, and the gap of each column × light × size. */
export function summarise(
  outcomes: FrameOutcome[],
  labels: Array<Record<string, string>>,
  columns: string[],
  t: Thresholds,
): { cells: Cell[]; gaps: Gap[] } {
  const lights = [...new Set(outcomes.map((o) => o.light))].sort((a, b) => b - a);
  const sizes = [...new Set(outcomes.map((o) => o.size))].sort((a, b) => a - b);
  const cells: Cell[] = [];
  const gaps: Gap[] = [];
  for (const column of columns) {
    const values = [...new Set(labels.map((l) => l[column]!))].sort();
    for (const light of lights) {
      for (const size of sizes) {
        const here: Cell[] = [];
        for (const value of values) {
          const os = outcomes.filter((o) => o.light === light && o.size === size && labels[o.photo]![column] === value);
          if (os.length === 0) continue;
          const count = (f: (o: FrameOutcome) => boolean) => os.filter(f).length;
          const lightOk = os.filter((o) => !o.fixLight);
          const scores = os.map((o) => o.score);
          here.push({
            column,
            value,
            light,
            size,
            n: os.length,
            medianLuma: quantile(
              os.map((o) => o.luma),
              0.5,
            ),
            recall: rate(
              count((o) => o.score >= t.presence),
              os.length,
            ),
            recallLightOk: rate(lightOk.filter((o) => o.score >= t.presence).length, lightOk.length),
            fullRecall: rate(
              count((o) => o.fullScore >= t.multiPerson),
              os.length,
            ),
            score: { p10: quantile(scores, 0.1), p25: quantile(scores, 0.25), p50: quantile(scores, 0.5) },
            fixLight: rate(
              count((o) => o.fixLight),
              os.length,
            ),
            fixLightRoom: rate(
              count((o) => o.fixLightRoom),
              os.length,
            ),
            fixDistance: rate(
              count((o) => o.fixDistance),
              os.length,
            ),
          });
        }
        cells.push(...here);
        const compared = here.filter((c) => c.n >= t.minFrames);
        if (compared.length >= 2) {
          gaps.push({
            column,
            light,
            size,
            values: compared.map((c) => c.value),
            recall: spread(compared, (c) => c.recall.rate),
            fullRecall: spread(compared, (c) => c.fullRecall.rate),
            fixLight: spread(compared, (c) => c.fixLight.rate),
            fixLightRoom: spread(compared, (c) => c.fixLightRoom.rate),
          });
        }
      }
    }
  }
  return { cells, gaps };
}
