// The steady frame's one-model shortcut, on real models and photos: full-range first, short-range only when needed.

import { FRAME_HEIGHT, FRAME_WIDTH, ffmpegRgb, SAMPLE_PHOTOS, SCENES, type SceneName } from '@proctor/testkit/camera';
import type { GraphModel } from '@tensorflow/tfjs-converter';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initNodeWasm, loadNodeModel } from '../../test/nodeModels.ts';
import { createFaceEngine } from './faceEngine.ts';
import { fullRangeSchedule } from './fullRangeSchedule.ts';

const W = FRAME_WIDTH / 2;
const H = FRAME_HEIGHT / 2;
const frame = (scene: SceneName) => {
  const { photo, filter } = SCENES[scene];
  return tf.tensor3d(ffmpegRgb([SAMPLE_PHOTOS[photo]!.file], `${filter},scale=${W}:${H}`), [H, W, 3], 'int32');
};

/** The model with its runs counted. */
const counted = (model: GraphModel) => {
  const runs = { n: 0 };
  const execute = model.execute.bind(model);
  model.execute = ((...args: Parameters<GraphModel['execute']>) => {
    runs.n++;
    return execute(...args);
  }) as GraphModel['execute'];
  return { model, runs };
};

// Real inference on a loaded 2-core box: seconds per frame at worst.
describe('createFaceEngine on a steady frame', { timeout: 60_000 }, () => {
  let short: ReturnType<typeof counted>;
  let full: ReturnType<typeof counted>;
  beforeAll(async () => {
    await initNodeWasm();
    short = counted(await loadNodeModel('short'));
    full = counted(await loadNodeModel('full'));
  }, 60_000);
  const engine = () =>
    createFaceEngine({ short: short.model, full: full.model }, 'short+full', fullRangeSchedule(3, 2));
  const runsOf = async (scene: SceneName, due: Parameters<ReturnType<typeof engine>['detect']>[2]) => {
    const image = frame(scene);
    const [s0, f0] = [short.runs.n, full.runs.n];
    const faces = await engine().detect(image, 1000, due);
    image.dispose();
    return { faces: faces.filter((f) => f.score >= 0.5).length, short: short.runs.n - s0, full: full.runs.n - f0 };
  };

  it('one face that full-range finds: short-range is not run', async () => {
    expect(await runsOf('single', { fullRange: true, steady: true })).toEqual({ faces: 1, short: 0, full: 1 });
  });

  it('the same frame outside a steady scene runs both models, and finds the same one face', async () => {
    expect(await runsOf('single', { fullRange: true })).toEqual({ faces: 1, short: 1, full: 1 });
  });

  it('more than one face (or none) on a steady frame: both models, as on any frame', async () => {
    const three = await runsOf('three', { fullRange: true, steady: true });
    expect(three).toMatchObject({ short: 1, full: 1 });
    expect(three.faces).toBeGreaterThan(1);
    expect(await runsOf('empty', { fullRange: true, steady: true })).toEqual({ faces: 0, short: 1, full: 1 });
  });

  it('a steady frame without full-range runs short-range alone', async () => {
    expect(await runsOf('single', { fullRange: false, steady: true })).toEqual({ faces: 1, short: 1, full: 0 });
  });
});
