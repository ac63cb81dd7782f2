// Builds .y4m files for Chromium's fake camera from real face photos: a sequence of scenes, 2 frames per second.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FRAME_HEIGHT, FRAME_WIDTH, SAMPLE_PHOTOS } from './samplePhotos.ts';

const FPS = 2;

/** Scenes: ffmpeg filters over a photo, each giving one 640×480 frame. */
export const SCENES = {
  /** One candidate at desk distance (sample3, middle face): the steady trace's crop. */
  single: { photo: 2, filter: `crop=640:480:880:90` },
  /** Three people (sample1) as a webcam would see them from about 1.5 m. */
  three: { photo: 0, filter: `scale=${FRAME_WIDTH}:-2,pad=${FRAME_WIDTH}:${FRAME_HEIGHT}:0:(oh-ih)/2:gray` },
  /** Someone else at the desk (sample1, left face): a different person taking over. */
  other: { photo: 0, filter: `crop=640:480:196:240` },
  /** The candidate in a dim room: luma scaled to 35% (mean ~40, above CAMERA_BLOCKED's 25, below LOW_LIGHT's). */
  dark: { photo: 2, filter: `crop=640:480:880:90,lutyuv=y=val*0.35` },
  /**
   * The candidate far from the camera: the `single` crop shrunk to 35% on grey, so the face (about 0.11 of the frame's
   * width) is still detected but narrower than the preflight's minimum, 0.15 (bench/client-thresholds.ts).
   */
  small: { photo: 2, filter: `crop=640:480:880:90,scale=224:168,pad=640:480:208:156:gray` },
  /** The room with nobody in it: a corner of sample5 (stairs and railing, no face). */
  empty: { photo: 4, filter: `crop=640:480:0:0` },
} as const;
export type SceneName = keyof typeof SCENES;

function sceneYuv(name: SceneName): Buffer {
  const { photo, filter } = SCENES[name];
  return execFileSync(
    'ffmpeg',
    [
      '-loglevel',
      'error',
      '-i',
      SAMPLE_PHOTOS[photo]!.file,
      '-vf',
      filter,
      '-frames:v',
      '1',
      '-pix_fmt',
      'yuv420p',
      '-f',
      'rawvideo',
      '-',
    ],
    { maxBuffer: 8 * 1024 * 1024 },
  );
}

/** Writes a y4m that shows each scene for its seconds, in order; Chromium loops it. Returns the path. */
export function writeFakeCamera(dir: string, name: string, script: Array<[SceneName, number]>): string {
  mkdirSync(dir, { recursive: true });
  const cache = new Map<SceneName, Buffer>();
  const frames: Buffer[] = [Buffer.from(`YUV4MPEG2 W${FRAME_WIDTH} H${FRAME_HEIGHT} F${FPS}:1 Ip A1:1 C420jpeg\n`)];
  for (const [scene, seconds] of script) {
    if (!cache.has(scene)) cache.set(scene, sceneYuv(scene));
    for (let i = 0; i < seconds * FPS; i++) frames.push(Buffer.from('FRAME\n'), cache.get(scene)!);
  }
  const file = join(dir, `${name}.y4m`);
  writeFileSync(file, Buffer.concat(frames));
  return file;
}
