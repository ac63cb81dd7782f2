// Head yaw and pitch from the detector's six keypoints, and the neutral pose they are measured against.
import type { FaceDetection } from './types.ts';

export interface HeadPose {
  /** Degrees; positive when the nose moves toward the image's right edge. */
  yaw: number;
  /** Degrees; positive when the nose moves down (head tilted down). */
  pitch: number;
}

const KP = { rightEye: 0, leftEye: 1, nose: 2, mouth: 3, rightEar: 4, leftEar: 5 } as const;
const toDegrees = (r: number) => (r * 180) / Math.PI;
const clampUnit = (v: number) => Math.max(-1, Math.min(1, v));

/**
 * Raw pose, before subtracting the neutral pose. Model: the ear tragions sit on the head's vertical rotation
 * axis and the nose tip about one head radius in front of it, so the nose's offset from the ears' midpoint is
 * radius·sin(angle). The radius is half the ear span scaled to the face box width, which (unlike the ear span)
 * hardly shrinks as the head turns. `aspect` is frame width / height, so x and y share one unit.
 */
export function rawHeadPose(face: FaceDetection, aspect: number): HeadPose | undefined {
  const k = face.keypoints;
  const nose = k[KP.nose];
  const rEar = k[KP.rightEar];
  const lEar = k[KP.leftEar];
  if (!nose || !rEar || !lEar || face.box.width <= 0) return undefined;
  const radius = (face.box.width * aspect) / 2;
  const midX = ((rEar.x + lEar.x) / 2) * aspect;
  const midY = (rEar.y + lEar.y) / 2;
  return {
    yaw: toDegrees(Math.asin(clampUnit((nose.x * aspect - midX) / radius))),
    pitch: toDegrees(Math.asin(clampUnit((nose.y - midY) / radius))),
  };
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** The neutral pose: the median of the calibration frames, robust to one odd frame. */
export function neutralPose(samples: HeadPose[]): HeadPose {
  return { yaw: median(samples.map((s) => s.yaw)), pitch: median(samples.map((s) => s.pitch)) };
}
