// Messages between the page and the detector Web Worker. Only frames go in; only numbers come out.
import type { FaceDetection } from '../derive/types.ts';
import type { IdentityCheck, IdentityCheckOptions } from '../identity/identityChecker.ts';
import type { ModelChoice } from './faceEngine.ts';
import type { FullRangeSchedule } from './fullRangeSchedule.ts';
import type { FrameDue } from './scenePace.ts';

export type BackendName = 'webgpu' | 'webgl' | 'wasm';

/**
 * Frames are analysed at most this wide. The detectors resize their input to 128 px (short) and 192 px (full),
 * so a 320 px frame loses nothing they would see, while copying and reading it back costs a quarter of 640 px.
 */
const ANALYSIS_MAX_WIDTH = 320;

export function analysisSize(width: number, height: number): { width: number; height: number } {
  if (width <= ANALYSIS_MAX_WIDTH) return { width, height };
  return { width: ANALYSIS_MAX_WIDTH, height: Math.round((height * ANALYSIS_MAX_WIDTH) / width) };
}

export interface DetectorOptions {
  /** Where facemesh-detection-{short,full}.{json,bin} and the tfjs .wasm files are served (our own origin). */
  modelBaseUrl: string;
  models: ModelChoice;
  /** For 'short+full': how often full-range runs (fullRangeSchedule.ts); absent, on every frame. */
  fullRange?: FullRangeSchedule;
  /** Tried in order; the first that initializes AND passes a first inference wins. */
  backends: BackendName[];
  /** A GPU backend on a software rasterizer (SwiftShader, llvmpipe) is slower than WASM; skip it unless true. */
  allowSoftwareGpu: boolean;
  /** Identity continuity checks (the embedding model is served next to the detector's); absent: off. */
  identity?: IdentityCheckOptions;
}

export interface BackendAttempt {
  backend: BackendName;
  ok: boolean;
  reason?: string;
}

export interface DetectorInfo {
  backend: BackendName;
  attempts: BackendAttempt[];
  /** WASM threads in use (1 without cross-origin isolation). */
  threads?: number;
  /** Where inference runs. */
  thread: 'worker' | 'main';
  /** Identity checks: on, or why they are off (the model did not load). */
  identity?: 'on' | { off: string };
}

export interface FrameResult {
  t: number;
  faces: FaceDetection[];
  luma: { mean: number; stdDev: number };
  roomLuma: { mean: number; stdDev: number };
  width: number;
  height: number;
  inferenceMs: number;
  /** This frame's identity check, if one ran: a similarity or calibration progress, never an embedding. */
  identity?: IdentityCheck;
  /** A steady scene's frame that changed nowhere since the models last ran: their faces, not run again. */
  unchanged?: true;
}

export type ToWorker =
  | { type: 'init'; options: DetectorOptions }
  | { type: 'frame'; t: number; bitmap: ImageBitmap | VideoFrame; due?: FrameDue }
  | { type: 'dispose' };

export type FromWorker =
  | { type: 'ready'; info: DetectorInfo }
  | { type: 'init-failed'; message: string; attempts: BackendAttempt[] }
  | { type: 'result'; result: FrameResult }
  | { type: 'frame-failed'; t: number; message: string };
