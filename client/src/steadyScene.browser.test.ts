// A steady scene in real Chromium: the worker takes the camera's frames, and a frame that changed nowhere since the
// models last ran is not analysed again (frameChange.ts), for at most 3 s; a changed scene is always analysed.
import { join } from 'node:path';
import { launchChromium } from '@proctor/testkit/browser';
import { writeFakeCamera } from '@proctor/testkit/camera';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDetectorPage, serveDetectorPage } from '../test/detectorPage.ts';

const OUT = join(import.meta.dirname, '..', '..', 'test-output', 'client-steady');
let detectorPage: { url: string; close(): Promise<void> };
beforeAll(async () => {
  detectorPage = await serveDetectorPage(await buildDetectorPage(), false);
}, 180_000);
afterAll(async () => detectorPage?.close());

type Frame = { unchanged: boolean; faces: number };
async function framesOf(video: string, steady: boolean): Promise<Frame[]> {
  const chromium = await launchChromium({ profile: true, fakeVideo: video });
  try {
    const page = await chromium.context.newPage();
    await page.goto(detectorPage.url);
    return await page.evaluate(
      (steady) =>
        (window as never as { steadyFrames: (o: unknown) => Promise<Frame[]> }).steadyFrames({
          frames: 9,
          everyMs: 1000,
          steady,
        }),
      steady,
    );
  } finally {
    await chromium.close();
  }
}

describe('a steady scene in Chromium', () => {
  it('one still candidate: the models run every 3rd steady second, the frames between take their one face', async () => {
    const frames = await framesOf(writeFakeCamera(OUT, 'still', [['single', 10]]), true);
    expect(frames).toHaveLength(9);
    expect(frames.every((f) => f.faces === 1)).toBe(true);
    // Frame times 0, 1000, … 8000 ms: the models at 0, 3000, 6000; the rest unchanged.
    expect(frames.map((f) => f.unchanged)).toEqual([false, true, true, false, true, true, false, true, true]);
  });

  it('outside a steady scene every frame is analysed', async () => {
    const frames = await framesOf(writeFakeCamera(OUT, 'still', [['single', 10]]), false);
    expect(frames.some((f) => f.unchanged)).toBe(false);
  });
});
