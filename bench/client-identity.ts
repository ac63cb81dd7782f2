// Identity continuity model choice by measurement: faceres vs mobilefacenet vs mobileface on WASM. Prints ms per
// embedding, and for a range of thresholds the false-change rate (same person: one man across nine photos, and each
// of 23 people under webcam-like changes) and the detection rate (different people), per check and after the
// client's hysteresis (IDENTITY_CHECKS_TO_CHANGE checks in a row).

import type { FaceDetection } from '@proctor/client';
import { createFaceEngine } from '@proctor/client/detector/faceEngine';
import {
  cosine,
  cropBox,
  EMBEDDING_MODELS,
  type EmbeddingModel,
  embedFace,
  type PixelRange,
} from '@proctor/client/identity/embedding';
import { IDENTITY_DEFAULTS } from '@proctor/client/identity/identityTracker';
import { facematchFrame, SAME_MAN_COLUMNS, WEBCAM_VARIANTS } from '@proctor/client/test/identityPhotos';
import { initNodeWasm, loadHumanModel, loadNodeModel } from '@proctor/client/test/nodeModels';
import { deskFrame, FRAME_HEIGHT, FRAME_WIDTH, SAMPLE_PHOTOS, type TestFrame } from '@proctor/testkit/camera';
import * as tf from '@tensorflow/tfjs-core';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const pct = (n: number, d: number) => `${((100 * n) / Math.max(1, d)).toFixed(1)}%`;

async function faceCrop(engine: ReturnType<typeof createFaceEngine>, f: TestFrame): Promise<tf.Tensor3D | undefined> {
  const img = tf.tensor3d(f.rgb, [FRAME_HEIGHT, FRAME_WIDTH, 3], 'int32');
  const faces: FaceDetection[] = await engine.detect(img);
  const best = faces.sort((a, b) => b.box.width * b.box.height - a.box.width * a.box.height)[0];
  if (!best) {
    img.dispose();
    return undefined;
  }
  const c = cropBox(best.box, FRAME_WIDTH, FRAME_HEIGHT);
  const crop = tf.slice(img, [c.y, c.x, 0], [c.h, c.w, 3]) as tf.Tensor3D;
  img.dispose();
  return crop;
}

async function main(): Promise<void> {
  await initNodeWasm();
  const engine = createFaceEngine(
    { full: await loadNodeModel('full'), short: await loadNodeModel('short') },
    'full>short',
  );
  // Faces, grouped by person. Person "man" is one man in nine photos; "p<i>v" is person i under webcam changes.
  const people: Record<string, tf.Tensor3D[]> = {};
  const add = async (who: string, f: TestFrame) => {
    const crop = await faceCrop(engine, f);
    if (crop) people[who] = [...(people[who] ?? []), crop];
    else console.log(`  (no face found: ${f.name})`);
  };
  for (const col of SAME_MAN_COLUMNS) await add('man', facematchFrame(col));
  let i = 0;
  for (const p of SAMPLE_PHOTOS)
    for (let fi = 0; fi < p.faces.length; fi++, i++) {
      await add(`p${i}`, deskFrame(p, fi));
      // Webcam-like variants for a third of the people (ffmpeg is the slow part of this bench).
      if (i % 3 === 0) for (const v of WEBCAM_VARIANTS) await add(`p${i}`, deskFrame(p, fi, v));
    }
  const names = Object.keys(people);
  console.log(`faces: ${names.reduce((s, n) => s + people[n]!.length, 0)} crops of ${names.length} people`);

  const thresholds = [0.2, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6];
  const k = IDENTITY_DEFAULTS.checksToChange;
  // MODELS=faceres:0-255,mobileface:-1-1 limits the run; by default every model in every pixel range.
  const runs = (
    process.env.MODELS?.split(',') ??
    (Object.keys(EMBEDDING_MODELS) as EmbeddingModel[]).flatMap((m) =>
      (['0-255', '0-1', '-1-1'] as const).map((r) => `${m}:${r}`),
    )
  ).map((s) => s.split(':') as [EmbeddingModel, PixelRange]);
  for (const [kind, range] of runs) {
    const model = await loadHumanModel(kind);
    const emb: Record<string, Float32Array[]> = {};
    const ms: number[] = [];
    for (const n of names)
      for (const crop of people[n]!) {
        const t0 = performance.now();
        const e = await embedFace(model, kind, crop, range);
        ms.push(performance.now() - t0);
        emb[n] = [...(emb[n] ?? []), e];
      }
    // Reference = the person's first crop (calibration); probes = their other crops (same) and everyone else's.
    const same: number[] = [];
    const diff: number[] = [];
    for (const n of names) {
      const [ref, ...rest] = emb[n]!;
      for (const e of rest) same.push(cosine(ref!, e));
      for (const m of names) if (m !== n) for (const e of emb[m]!) diff.push(cosine(ref!, e));
    }
    console.log(
      `\n${kind} (pixels ${range}): median ${median(ms).toFixed(1)} ms per embedding (WASM, ${ms.length} crops); ` +
        `similarity same median ${median(same).toFixed(3)} (n=${same.length}), different median ${median(diff).toFixed(3)} (n=${diff.length})`,
    );
    console.log('  threshold | false change per check | detection per check | false change after hysteresis*');
    for (const th of thresholds) {
      const fc = same.filter((s) => s < th).length;
      const det = diff.filter((s) => s < th).length;
      // *k independent checks in a row all below threshold (independence is optimistic; a webcam's frames correlate).
      const fcK = (fc / Math.max(1, same.length)) ** k;
      console.log(
        `  ${th.toFixed(2)}      | ${pct(fc, same.length).padStart(6)}                | ${pct(det, diff.length).padStart(6)}              | ${(100 * fcK).toFixed(3)}%`,
      );
    }
    model.dispose();
  }
}

await main();
