/// <reference lib="dom" />
// Fairness audit of the client's face detector on any labelled face set (a folder with labels.csv: `file,group`
// and optional columns such as gender, age): each photo becomes webcam frames (face 15/25/40% of a 640×480 frame
// on a room background, light from a well-lit room down to a very dim one with the noise of a raised gain), the
// client's detector analyses them as the exam does and the preflight judges them; recall, scores and the
// preflight's advice are reported per label value × light × distance, with 95% intervals and the largest gap.
//   FAIRNESS_DATA=<folder> FAIRNESS_OUT=<path stem> scripts/node24.sh node bench/client-fairness.ts
// writes <stem>.json and <stem>.md (default: bench/results/client-fairness.*). See docs/fairness.md.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { assessSetup, DERIVE_DEFAULTS, PREFLIGHT_DEFAULTS } from '@proctor/client';
import { createFaceEngine, mergeDetections } from '@proctor/client/detector/faceEngine';
import { frameLuma, roomLuma } from '@proctor/client/detector/frameLuma';
import { FULL_RANGE_EVERY } from '@proctor/client/detector/fullRangeSchedule';
import { analysisSize } from '@proctor/client/detector/protocol';
import { initNodeWasm, loadNodeModel } from '@proctor/client/test/nodeModels';
import { FRAME_HEIGHT, FRAME_WIDTH, ffmpegRgb, SAMPLE_PHOTOS, SCENES } from '@proctor/testkit/camera';
import { type Box, placeFace } from './lib/deskPlacement.ts';
import { detectRgb, faceAt } from './lib/faceAt.ts';
import { checkGoals, renderGoals } from './lib/fairnessGoals.ts';
import { type FrameOutcome, summarise, type Thresholds } from './lib/fairnessSummary.ts';
import { lightLabel, renderColumn, sizeLabel } from './lib/fairnessTable.ts';
import { imageSize } from './lib/imageSize.ts';
import { parseLabels } from './lib/labels.ts';
import { expose, gaussian, halve, seededUniform, sensorNoise, toRgba } from './lib/webcamFrame.ts';

const root = resolve(import.meta.dirname, '..');
const DATA = resolve(process.env.FAIRNESS_DATA ?? join(root, '..', 'shared', 'data', 'faces-london'));
const OUT = resolve(process.env.FAIRNESS_OUT ?? join(root, 'bench', 'results', 'client-fairness'));
const list = (v: string | undefined, d: number[]) => (v ? v.split(',').map(Number) : d);
/** Room light as an exposure factor: 1 a well-lit room, 0.12 a very dim one (mean luma near CAMERA_BLOCKED's). */
const LIGHTS = list(process.env.LIGHTS, [1, 0.5, 0.3, 0.2, 0.12]);
/** Face width as a fraction of the frame: 15% the preflight's minimum (sitting back), 40% leaning in. */
const SIZES = list(process.env.SIZES, [0.15, 0.25, 0.4]);
const thresholds: Thresholds = {
  presence: DERIVE_DEFAULTS.presenceScore,
  multiPerson: DERIVE_DEFAULTS.multiPersonScore,
  minFrames: Number(process.env.MIN_FRAMES ?? 8),
};
const analysis = analysisSize(FRAME_WIDTH, FRAME_HEIGHT);
if (analysis.width * 2 !== FRAME_WIDTH) throw new Error('the frame builder halves 640×480 to the analysis size');

/** `column=value`: only those photos (e.g. `expression=neutral`, one photo per person, so frames are independent). */
const WHERE = process.env.FAIRNESS_WHERE?.split('=') as [string, string] | undefined;
const labelled = parseLabels(readFileSync(join(DATA, 'labels.csv'), 'utf8'));
const set = {
  columns: labelled.columns.filter((c) => c !== WHERE?.[0]),
  photos: labelled.photos.filter((p) => !WHERE || p.labels[WHERE[0]] === WHERE[1]),
};
if (set.photos.length === 0) throw new Error(`no photo in ${DATA}/labels.csv has ${WHERE?.join('=')}`);
await initNodeWasm();
const models = { short: await loadNodeModel('short'), full: await loadNodeModel('full') };
// As the exam runs it: both models, full-range on every FULL_RANGE_EVERY-th frame with its faces carried between.
// On a still scene every frame of a period sees the same merged faces, so one frame stands for the period: the
// full-range frame, where the exam's engine merges the two models' fresh faces (mergeDetections). Each model runs
// once per frame here and the full-range result is also read alone (what finds a second, more distant person).
const shortOnly = createFaceEngine({ short: models.short }, 'short');
const fullOnly = createFaceEngine({ full: models.full }, 'full');
const asShot = createFaceEngine(models, 'short+full');

// Each photo's face box as shot (the detector on the whole portrait at analysis width); a portrait it misses as
// shot is placed by the median box of the others (the set's framing), so it is still measured, not dropped.
const absent = set.photos.filter((p) => !existsSync(join(DATA, p.file))).map((p) => p.file);
if (absent.length)
  throw new Error(`labels.csv lists ${absent.length} file(s) not in ${DATA}: ${absent.slice(0, 5).join(', ')}`);
const photos = set.photos.map((p) => ({
  ...p,
  path: join(DATA, p.file),
  size: imageSize(readFileSync(join(DATA, p.file))),
}));
const shot: Array<Box | undefined> = [];
for (const p of photos) {
  const h = Math.round((p.size.height * analysis.width) / p.size.width / 2) * 2;
  const faces = await detectRgb(asShot, ffmpegRgb([p.path], `scale=${analysis.width}:${h}`), analysis.width, h);
  const best = faces.sort((a, b) => b.score - a.score)[0];
  shot.push(
    best && best.score >= thresholds.presence
      ? {
          x: best.box.x * p.size.width,
          y: best.box.y * p.size.height,
          width: best.box.width * p.size.width,
          height: best.box.height * p.size.height,
        }
      : undefined,
  );
}
const mid = (k: keyof Box) =>
  shot
    .filter((b): b is Box => !!b)
    .map((b) => b[k])
    .sort((a, b) => a - b)[Math.floor(shot.filter(Boolean).length / 2)]!;
const fallback: Box = { x: mid('x'), y: mid('y'), width: mid('width'), height: mid('height') };
const missedAsShot = shot.filter((b) => !b).length;

const background = SAMPLE_PHOTOS[SCENES.empty.photo]!.file;
const noise = gaussian(seededUniform(27));
const outcomes: FrameOutcome[] = [];
const started = Date.now();
for (const [i, p] of photos.entries()) {
  const face = shot[i] ?? fallback;
  for (const size of SIZES) {
    const at = placeFace(p.size, face, size, { width: FRAME_WIDTH, height: FRAME_HEIGHT });
    const frame = halve(
      ffmpegRgb(
        [background, p.path],
        `[0:v]${SCENES.empty.filter}[room];[1:v]scale=${at.width}:${at.height}[p];[room][p]overlay=${at.x}:${at.y}`,
      ),
      FRAME_WIDTH,
      FRAME_HEIGHT,
    );
    const centre = { x: at.face.x + at.face.width / 2, y: at.face.y + at.face.height / 2 };
    for (const light of LIGHTS) {
      // The light scales the camera's pixels and so their 2×2 means alike; the noise of four independent pixels
      // averages to half its σ, so it is drawn at the analysis size (a quarter of the draws, the same statistics).
      const rgb = expose(frame, light, sensorNoise(light) / 2, noise);
      const fullFaces = await detectRgb(fullOnly, rgb, analysis.width, analysis.height);
      const faces = mergeDetections([
        ...(await detectRgb(shortOnly, rgb, analysis.width, analysis.height)),
        ...fullFaces,
      ]);
      const full = faceAt(fullFaces, centre);
      const rgba = toRgba(rgb);
      const luma = frameLuma(rgba, analysis.width, analysis.height);
      const room = roomLuma(rgba, analysis.width, analysis.height, faces);
      // The preflight's verdict on a steady window of this frame (it takes medians over PREFLIGHT_DEFAULTS.frames).
      const verdict = (roomLuma?: typeof room) =>
        assessSetup(Array(PREFLIGHT_DEFAULTS.frames).fill({ t: 0, faces, luma, roomLuma }));
      const report = verdict();
      const faceSize = report.checks.find((c) => c.name === 'faceSize')?.problem;
      const lightOk = (r: typeof report) => r.checks.find((c) => c.name === 'light')!.ok;
      outcomes.push({
        photo: i,
        light,
        size,
        luma: luma.mean,
        roomLuma: room.mean,
        score: faceAt(faces, centre)?.score ?? 0,
        fullScore: full?.score ?? 0,
        fixLight: !lightOk(report),
        fixDistance: faceSize === 'too-small' || faceSize === 'too-close',
        fixLightRoom: !lightOk(verdict(room)),
      });
    }
  }
  if ((i + 1) % 20 === 0)
    console.error(`${i + 1}/${photos.length} photos, ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

const labels = photos.map((p) => p.labels);
const { cells, gaps } = summarise(outcomes, labels, set.columns, thresholds);
const meta = {
  data: DATA,
  where: WHERE?.join('='),
  photos: photos.length,
  missedAsShot,
  lights: LIGHTS,
  sizes: SIZES,
  frame: `${FRAME_WIDTH}×${FRAME_HEIGHT}, analysed at ${analysis.width}×${analysis.height}`,
  detector: `short+full as on the exam's full-range frame (every ${FULL_RANGE_EVERY} frames at the full rate)`,
  noise: 'Gaussian, σ = 4·√(1/light − 1) levels at 640×480 (half that at the analysis size)',
  thresholds,
  preflight: PREFLIGHT_DEFAULTS,
};
mkdirSync(dirname(OUT), { recursive: true });
writeFileSync(
  `${OUT}.json`,
  JSON.stringify(
    { meta, cells, gaps, outcomes: outcomes.map((o) => ({ ...o, file: photos[o.photo]!.file })) },
    null,
    1,
  ),
);
const md = [
  `## Detector fairness: ${photos.length} photos from ${DATA}${WHERE ? ` (${WHERE.join('=')})` : ''}`,
  '',
  `Frames ${meta.frame}; lights ${LIGHTS.map(lightLabel).join(', ')}; face widths ${SIZES.map(sizeLabel).join(', ')}; ` +
    `detector ${meta.detector}; ${missedAsShot} photo(s) not found as shot, placed by the set's median face box.`,
  '',
  ...set.columns.flatMap((c) => [
    renderColumn(c, cells, gaps, thresholds),
    renderGoals(c, checkGoals(outcomes, labels, [c], thresholds)),
    '',
  ]),
].join('\n');
writeFileSync(`${OUT}.md`, md);
console.log(md);
console.error(`wrote ${OUT}.json and ${OUT}.md in ${((Date.now() - started) / 1000).toFixed(0)} s`);
