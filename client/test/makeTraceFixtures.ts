// Writes client/fixtures/*.json: detection traces for the event state machine's tests. Steady and two-face
// stretches are recorded from the real detector (Node, WASM) on real photos; head turns come from a 3D head model
// projected at the recorded face's size, since no npm package ships a video of a turning head.
// Run: scripts/node24.sh node client/test/makeTraceFixtures.ts
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FRAME_HEIGHT, FRAME_WIDTH, SAMPLE_PHOTOS } from '@proctor/testkit/camera';
import * as tf from '@tensorflow/tfjs-core';
import type { FaceDetection, FrameObservation } from '../src/derive/types.ts';
import { createFaceEngine } from '../src/detector/faceEngine.ts';
import { initNodeWasm, loadNodeModel } from './nodeModels.ts';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures');
const T0 = 1_767_225_600_000; // 2026-01-01T00:00:00Z
const FRAME_MS = 500; // 2 fps, the library's default rate
const STEADY_LUMA = { mean: 110, stdDev: 48 };

let seed = 42;
const random = () => {
  seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
  return seed / 2 ** 31;
};
const r4 = (v: number) => Math.round(v * 10_000) / 10_000;

function frameRgb(photoIndex: number, crop: { x: number; y: number; w: number; h: number }): tf.Tensor3D {
  const photo = SAMPLE_PHOTOS[photoIndex]!;
  const filter = `crop=${crop.w}:${crop.h}:${crop.x}:${crop.y},scale=${FRAME_WIDTH}:${FRAME_HEIGHT}`;
  const rgb = execFileSync('ffmpeg', [
    '-loglevel',
    'error',
    '-i',
    photo.file,
    '-vf',
    filter,
    '-f',
    'rawvideo',
    '-pix_fmt',
    'rgb24',
    '-',
  ]);
  return tf.tensor3d(new Uint8Array(rgb), [FRAME_HEIGHT, FRAME_WIDTH, 3], 'int32');
}

function round(face: FaceDetection): FaceDetection {
  return {
    score: r4(face.score),
    box: { x: r4(face.box.x), y: r4(face.box.y), width: r4(face.box.width), height: r4(face.box.height) },
    keypoints: face.keypoints.map((k) => ({ x: r4(k.x), y: r4(k.y) })),
  };
}

/** Six keypoints of a head of radius 1 in head coordinates (x right in the image, y down, z toward the camera). */
const HEAD: Array<[number, number, number]> = [
  [-0.35, -0.15, 0.85], // rightEye (the candidate's right, image left)
  [0.35, -0.15, 0.85], // leftEye
  [0, 0.15, 1.0], // noseTip
  [0, 0.45, 0.85], // mouthCenter
  [-0.95, 0.05, 0], // rightEarTragion
  [0.95, 0.05, 0], // leftEarTragion
];

/** Projects the head model turned by yaw/pitch (degrees) onto a face box like `like`, with keypoint noise. */
function modelFace(like: FaceDetection, yaw: number, pitch: number, noise = 0.002): FaceDetection {
  const a = (yaw * Math.PI) / 180;
  const b = (pitch * Math.PI) / 180;
  const aspect = FRAME_WIDTH / FRAME_HEIGHT;
  const cx = like.box.x + like.box.width / 2;
  const cy = like.box.y + like.box.height / 2;
  const radius = like.box.width / 2; // in x units
  const keypoints = HEAD.map(([x, y, z]) => {
    const x1 = x * Math.cos(a) + z * Math.sin(a);
    const z1 = -x * Math.sin(a) + z * Math.cos(a);
    const y2 = y * Math.cos(b) + z1 * Math.sin(b);
    return {
      x: cx + x1 * radius + (random() - 0.5) * noise,
      y: cy + y2 * radius * aspect + (random() - 0.5) * noise,
    };
  });
  return round({ ...like, score: like.score - random() * 0.02, keypoints });
}

async function main(): Promise<void> {
  await initNodeWasm();
  const engine = createFaceEngine({ short: await loadNodeModel('short'), full: await loadNodeModel('full') });
  const detect = async (t: tf.Tensor3D) => {
    const faces = await engine.detect(t);
    t.dispose();
    return faces.map(round);
  };

  // Recorded: one candidate (sample3, middle face) at desk distance, the crop drifting a few pixels per frame.
  const steadyReal: FaceDetection[][] = [];
  for (let i = 0; i < 20; i++) {
    const dx = Math.round(Math.cos(i) * 6);
    const dy = Math.round(Math.sin(i) * 6);
    steadyReal.push(await detect(frameRgb(2, { x: 880 + dx, y: 90 + dy, w: 640, h: 480 })));
  }
  // Recorded: two people (sample3, left and middle faces) in one wider crop, drifting the same way.
  const twoReal: FaceDetection[][] = [];
  for (let i = 0; i < 8; i++) {
    const dx = Math.round(Math.cos(i) * 6);
    twoReal.push(await detect(frameRgb(2, { x: 420 + dx, y: 40, w: 1000, h: 750 })));
  }
  const candidate = steadyReal[0]![0]!;

  const at = (i: number) => T0 + i * FRAME_MS;
  const frame = (i: number, faces: FaceDetection[], luma = STEADY_LUMA): FrameObservation => ({
    t: at(i),
    faces,
    luma,
  });
  const write = (name: string, description: string, frames: FrameObservation[]) =>
    writeFileSync(
      join(FIXTURES, `${name}.json`),
      `${JSON.stringify({ description, frameMs: FRAME_MS, aspect: FRAME_WIDTH / FRAME_HEIGHT, frames })}\n`,
    );

  write(
    'steady-real',
    'Recorded: the real detector (short+full) on one candidate at desk distance for 10 s; expect no events.',
    steadyReal.map((faces, i) => frame(i, faces)),
  );
  write(
    'steady-model',
    'Head model: one face for 30 s with small natural movement (yaw/pitch within ±8°); expect no events.',
    Array.from({ length: 60 }, (_, i) => frame(i, [modelFace(candidate, 8 * Math.sin(i / 5), 5 * Math.cos(i / 7))])),
  );
  write(
    'look-away-3s',
    'Head model: 5 s facing the screen, 3 s turned 40° (nose to image right: candidate looks LEFT), 5 s back.',
    Array.from({ length: 26 }, (_, i) => frame(i, [modelFace(candidate, i >= 10 && i < 16 ? 40 : 0, 0)])),
  );
  write(
    'flicker',
    'Recorded steady face with single bad frames: one missing face, one extra face, one turned head, one dark ' +
      'frame, each alone; expect no events.',
    Array.from({ length: 40 }, (_, i) => {
      const steady = steadyReal[i % steadyReal.length]!;
      if (i === 8 || i === 24) return frame(i, []);
      if (i === 12 || i === 30) return frame(i, twoReal[i % twoReal.length]!);
      if (i === 16 || i === 34) return frame(i, [modelFace(candidate, 45, 0)]);
      if (i === 20) return frame(i, [], { mean: 4, stdDev: 1.5 });
      return frame(i, steady);
    }),
  );
  write(
    'two-faces',
    'Recorded: 4 s of one candidate, then 4 s of two people in frame, then the candidate alone; expect one ' +
      'MULTI_PERSON with faceCount 2.',
    [
      ...steadyReal.slice(0, 8).map((faces, i) => frame(i, faces)),
      ...twoReal.map((faces, i) => frame(8 + i, faces)),
      ...steadyReal.slice(8, 16).map((faces, i) => frame(16 + i, faces)),
    ],
  );
  write(
    'no-face-then-blocked',
    'Recorded steady face 4 s, no face 5 s, face 3 s, then a covered lens (dark, flat) 4 s, then the face.',
    [
      ...steadyReal.slice(0, 8).map((faces, i) => frame(i, faces)),
      ...Array.from({ length: 10 }, (_, i) => frame(8 + i, [], { mean: 95, stdDev: 40 })),
      ...steadyReal.slice(8, 14).map((faces, i) => frame(18 + i, faces)),
      ...Array.from({ length: 8 }, (_, i) => frame(24 + i, [], { mean: 6, stdDev: 2 })),
      ...steadyReal.slice(14, 20).map((faces, i) => frame(32 + i, faces)),
    ],
  );
  engine.dispose();
  console.log(`wrote fixtures to ${FIXTURES}`);
}

await main();
