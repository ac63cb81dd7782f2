// Face detector model choice by measurement: short-range vs full-range vs both, on real photos at desk distance
// and further back. Prints recall/false positives per scenario, the full/short recall ratio for distant faces, and
// how often the cascade ('full>short') needed its second model.

import { createFaceEngine, type ModelChoice } from '@proctor/client/detector/faceEngine';
import { initNodeWasm, loadNodeModel } from '@proctor/client/test/nodeModels';
import {
  compositeFrame,
  deskFrame,
  distantFrame,
  FRAME_HEIGHT,
  FRAME_WIDTH,
  SAMPLE_PHOTOS,
  type TestFrame,
} from '@proctor/testkit/camera';
import * as tf from '@tensorflow/tfjs-core';
import { contains } from './lib/webcamFrame.ts';

/** The MULTI_PERSON score threshold the client uses (client/src/derive/config.ts default). */
const SCORE_THRESHOLD = Number(process.env.SCORE_THRESHOLD ?? 0.6);

interface Tally {
  truth: number;
  found: number;
  falsePositives: number;
  /** Frames where the engine returned no face at all (for 'full': the frames where 'full>short' runs short too). */
  empty: number;
  ms: number[];
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

async function main(): Promise<void> {
  await initNodeWasm();
  const models = { short: await loadNodeModel('short'), full: await loadNodeModel('full') };
  const engines: Record<ModelChoice, ReturnType<typeof createFaceEngine>> = {
    short: createFaceEngine({ short: models.short }, 'short'),
    full: createFaceEngine({ full: models.full }, 'full'),
    'short+full': createFaceEngine(models, 'short+full'),
    'full>short': createFaceEngine(models, 'full>short'),
  };

  const groups: Record<string, TestFrame[]> = {
    'desk (one face fills frame)': SAMPLE_PHOTOS.flatMap((p) => p.faces.map((_, i) => deskFrame(p, i))),
    'group at ~1.5 m (640 px)': SAMPLE_PHOTOS.map((p) => distantFrame(p, 640)),
    'group at ~3 m (320 px)': SAMPLE_PHOTOS.map((p) => distantFrame(p, 320)),
    'group at ~4.5 m (213 px)': SAMPLE_PHOTOS.map((p) => distantFrame(p, 213)),
    'candidate + people behind (240 px)': SAMPLE_PHOTOS.map((p, i) =>
      compositeFrame(p, SAMPLE_PHOTOS[(i + 1) % SAMPLE_PHOTOS.length]!, 240),
    ),
  };

  const results: Record<string, Record<ModelChoice, Tally>> = {};
  for (const [group, frames] of Object.entries(groups)) {
    results[group] = {} as Record<ModelChoice, Tally>;
    for (const [choice, engine] of Object.entries(engines) as Array<[ModelChoice, (typeof engines)['short']]>) {
      const tally: Tally = { truth: 0, found: 0, falsePositives: 0, empty: 0, ms: [] };
      for (const frame of frames) {
        const input = tf.tensor3d(frame.rgb, [FRAME_HEIGHT, FRAME_WIDTH, 3], 'int32');
        const t0 = performance.now();
        const raw = await engine.detect(input);
        tally.ms.push(performance.now() - t0);
        if (raw.length === 0) tally.empty++;
        const faces = raw.filter((f) => f.score >= SCORE_THRESHOLD);
        input.dispose();
        tally.truth += frame.truth.length;
        tally.found += frame.truth.filter((p) => faces.some((f) => contains(f, p))).length;
        tally.falsePositives += faces.filter((f) => !frame.truth.some((p) => contains(f, p))).length;
      }
      results[group][choice] = tally;
    }
  }

  console.log(`score threshold ${SCORE_THRESHOLD}, tfjs ${tf.getBackend()} on Node`);
  console.log('| scenario | model | faces found / truth | recall | false positives | median ms |');
  console.log('|---|---|---|---|---|---|');
  for (const [group, byChoice] of Object.entries(results)) {
    for (const [choice, t] of Object.entries(byChoice)) {
      console.log(
        `| ${group} | ${choice} | ${t.found}/${t.truth} | ${(t.found / t.truth).toFixed(2)} | ${t.falsePositives} | ${median(t.ms).toFixed(0)} |`,
      );
    }
  }
  const distant = Object.entries(results).filter(([g]) => !g.startsWith('desk'));
  const recall = (c: ModelChoice) =>
    distant.reduce((s, [, r]) => s + r[c].found, 0) / distant.reduce((s, [, r]) => s + r[c].truth, 0);
  console.log(
    `distant-face recall: short ${recall('short').toFixed(2)}, full ${recall('full').toFixed(2)}, both ${recall('short+full').toFixed(2)}, full>short ${recall('full>short').toFixed(2)}; full/short ratio ${(recall('full') / recall('short')).toFixed(2)}`,
  );
  const desk = Object.entries(results).filter(([g]) => g.startsWith('desk'));
  const deskRecall = (c: ModelChoice) =>
    desk.reduce((s, [, r]) => s + r[c].found, 0) / desk.reduce((s, [, r]) => s + r[c].truth, 0);
  console.log(
    `desk recall: short ${deskRecall('short').toFixed(2)}, full ${deskRecall('full').toFixed(2)}, both ${deskRecall('short+full').toFixed(2)}, full>short ${deskRecall('full>short').toFixed(2)}`,
  );
  const all = Object.values(results);
  const frames = all.reduce((s, r) => s + r['full>short'].ms.length, 0);
  const fallbacks = all.reduce((s, r) => s + r.full.empty, 0);
  const allMedian = (c: ModelChoice) => Math.round(median(all.flatMap((r) => r[c].ms)));
  console.log(
    `full>short ran the short model on ${fallbacks} of ${frames} frames; median ms over all frames: short+full ${allMedian('short+full')}, full>short ${allMedian('full>short')} (ratio ${(allMedian('full>short') / allMedian('short+full')).toFixed(2)})`,
  );
}

await main();
