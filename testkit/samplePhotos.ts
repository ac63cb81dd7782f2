// Real face photos shipped in npm packages, with hand-counted faces, and ffmpeg recipes for test frames.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const faceApiDir = dirname(require.resolve('@vladmandic/face-api/package.json'));

export interface SamplePhoto {
  file: string;
  width: number;
  height: number;
  /** Face centres counted by hand, in pixels of the original photo, left to right. */
  faces: Array<[number, number]>;
}

/** @vladmandic/face-api demo photos (1920 px wide): people at roughly 1–2 m, several per photo. */
const COUNTED: Array<{ n: number; h: number; f: Array<[number, number]> }> = [
  {
    n: 1,
    h: 1280,
    f: [
      [172, 160],
      [312, 178],
      [525, 105],
    ],
  },
  {
    n: 2,
    h: 1367,
    f: [
      [150, 100],
      [330, 110],
      [515, 85],
    ],
  },
  {
    n: 3,
    h: 1350,
    f: [
      [225, 150],
      [400, 110],
      [530, 140],
    ],
  },
  {
    n: 4,
    h: 1448,
    f: [
      [120, 95],
      [255, 60],
      [375, 85],
      [455, 85],
    ],
  },
  {
    n: 5,
    h: 1398,
    f: [
      [160, 325],
      [230, 180],
      [290, 70],
      [405, 100],
      [500, 180],
    ],
  },
  {
    n: 6,
    h: 1537,
    f: [
      [115, 215],
      [255, 160],
      [420, 130],
      [535, 130],
    ],
  },
];

export const SAMPLE_PHOTOS: SamplePhoto[] = COUNTED.map(({ n, h, f }) => ({
  file: join(faceApiDir, 'demo', `sample${n}.jpg`),
  width: 1920,
  height: h,
  // Counted on a 640 px wide preview: scale by 3.
  faces: f.map(([x, y]) => [x * 3, y * 3] as [number, number]),
}));

export const FRAME_WIDTH = 640;
export const FRAME_HEIGHT = 480;

export interface TestFrame {
  name: string;
  /** Raw RGB, 640×480. */
  rgb: Uint8Array;
  /** Where the hand-counted faces land in this frame, normalized [0, 1]. */
  truth: Array<{ x: number; y: number }>;
}

export function ffmpegRgb(inputs: string[], filter: string): Uint8Array {
  const args = ['-loglevel', 'error', ...inputs.flatMap((i) => ['-i', i]), '-filter_complex', filter];
  return new Uint8Array(
    execFileSync('ffmpeg', [...args, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'], {
      maxBuffer: 16 * 1024 * 1024,
    }),
  );
}

export function deskOrigin(photo: SamplePhoto, faceIndex: number): [number, number] {
  const [cx, cy] = photo.faces[faceIndex]!;
  return [
    Math.min(Math.max(0, cx - FRAME_WIDTH / 2), photo.width - FRAME_WIDTH),
    Math.min(Math.max(0, cy - FRAME_HEIGHT / 2), photo.height - FRAME_HEIGHT),
  ];
}

/** Faces of `photo` after it is scaled by `scale` and its top-left placed at (ox, oy), kept if inside `keep`. */
function mapFaces(
  photo: SamplePhoto,
  scale: number,
  ox: number,
  oy: number,
  keep: (x: number, y: number) => boolean = () => true,
): TestFrame['truth'] {
  return photo.faces
    .map(([x, y]) => [x * scale + ox, y * scale + oy] as const)
    .filter(([x, y]) => x >= 0 && y >= 0 && x < FRAME_WIDTH && y < FRAME_HEIGHT && keep(x, y))
    .map(([x, y]) => ({ x: x / FRAME_WIDTH, y: y / FRAME_HEIGHT }));
}

/** A 640×480 crop at full resolution around one face, which then fills the frame like a webcam at a desk. */
export function deskFrame(photo: SamplePhoto, faceIndex: number, then?: string): TestFrame {
  const [x, y] = deskOrigin(photo, faceIndex);
  return {
    name: `desk ${photo.file.slice(-11)} face ${faceIndex}${then ? ` ${then}` : ''}`,
    // `then`: more ffmpeg filters after the crop (light, noise...); `truth` stays the crop's.
    rgb: ffmpegRgb([photo.file], `crop=${FRAME_WIDTH}:${FRAME_HEIGHT}:${x}:${y}${then ? `,${then}` : ''}`),
    truth: mapFaces(photo, 1, -x, -y),
  };
}

/** The whole photo shrunk to `width` px and centred on a grey 640×480 frame: the same people further away. */
export function distantFrame(photo: SamplePhoto, width: number): TestFrame {
  const scale = Math.min(width / photo.width, (FRAME_HEIGHT * (width / FRAME_WIDTH)) / photo.height);
  const w = Math.round(photo.width * scale);
  const h = Math.round(photo.height * scale);
  const ox = Math.floor((FRAME_WIDTH - w) / 2);
  const oy = Math.floor((FRAME_HEIGHT - h) / 2);
  return {
    name: `distant ${photo.file.slice(-11)} ${width}px`,
    rgb: ffmpegRgb([photo.file], `scale=${w}:${h},pad=${FRAME_WIDTH}:${FRAME_HEIGHT}:${ox}:${oy}:gray`),
    truth: mapFaces(photo, scale, ox, oy),
  };
}

/** A desk crop with another photo shrunk to `behindWidth` px in its top-right corner: candidate plus people behind. */
export function compositeFrame(desk: SamplePhoto, behind: SamplePhoto, behindWidth: number): TestFrame {
  const [x, y] = deskOrigin(desk, 0);
  const scale = behindWidth / behind.width;
  const bh = Math.round(behind.height * scale);
  const ox = FRAME_WIDTH - behindWidth;
  const underOverlay = (fx: number, fy: number) => fx >= ox && fy < bh;
  return {
    name: `composite ${desk.file.slice(-11)} + ${behind.file.slice(-11)} ${behindWidth}px`,
    rgb: ffmpegRgb(
      [desk.file, behind.file],
      `[0:v]crop=${FRAME_WIDTH}:${FRAME_HEIGHT}:${x}:${y}[d];[1:v]scale=${behindWidth}:${bh}[b];[d][b]overlay=${ox}:0`,
    ),
    truth: [...mapFaces(desk, 1, -x, -y, (fx, fy) => !underOverlay(fx, fy)), ...mapFaces(behind, scale, ox, 0)],
  };
}
