// Loads the models on the chosen backend and analyses frames: the part shared by the worker and the
// main-thread fallback.
import { type GraphModel, loadGraphModel } from '@tensorflow/tfjs-converter';
import * as tf from '@tensorflow/tfjs-core';
import { createIdentityChecker, type IdentityChecker } from '../identity/identityChecker.ts';
import { selectBackend } from './backends.ts';
import { createFaceEngine, type FaceEngine, modelTypes } from './faceEngine.ts';
import { blockLuma, mayReuse, REUSE_MAX_MS } from './frameChange.ts';
import { frameLuma, roomLuma } from './frameLuma.ts';
import { analysisSize, type DetectorInfo, type DetectorOptions, type FrameResult } from './protocol.ts';
import type { FrameDue } from './scenePace.ts';

export interface DetectorCore {
  info: Omit<DetectorInfo, 'thread'>;
  /** `due`: what the scene's pace asks of this frame (scenePace.ts); absent, the full-range schedule decides. */
  analyse(
    source: ImageBitmap | VideoFrame | HTMLCanvasElement | HTMLVideoElement,
    t: number,
    due?: FrameDue,
  ): Promise<FrameResult>;
  dispose(): void;
}

function canvas2d(width: number, height: number) {
  const canvas =
    typeof OffscreenCanvas !== 'undefined'
      ? new OffscreenCanvas(width, height)
      : Object.assign(document.createElement('canvas'), { width, height });
  const ctx = canvas.getContext('2d', { willReadFrequently: true }) as
    | OffscreenCanvasRenderingContext2D
    | CanvasRenderingContext2D
    | null;
  if (!ctx) throw new Error('2D canvas unavailable');
  return { canvas, ctx };
}

/** Model outputs on an all-grey input must be finite: a broken backend gives NaN or throws. */
async function outputsFinite(models: GraphModel[]): Promise<boolean> {
  for (const model of models) {
    const size = model.inputs[0]?.shape?.[1] ?? 128;
    // The full-range model has two outputs, so execute may return an array.
    const outputs = tf.tidy(() => [model.execute(tf.zeros([1, size, size, 3]))].flat() as tf.Tensor[]);
    for (const out of outputs) {
      const values = await out.data();
      out.dispose();
      if (values.length === 0 || !values.every(Number.isFinite)) return false;
    }
  }
  return true;
}

export async function createDetectorCore(options: DetectorOptions): Promise<DetectorCore> {
  const base = options.modelBaseUrl.endsWith('/') ? options.modelBaseUrl : `${options.modelBaseUrl}/`;
  const types = modelTypes(options.models);
  let engine: FaceEngine | undefined;

  const { backend, attempts } = await selectBackend(options.backends, base, options.allowSoftwareGpu, async () => {
    engine?.dispose();
    const loaded = await Promise.all(types.map((m) => loadGraphModel(`${base}facemesh-detection-${m}.json`)));
    engine = createFaceEngine(
      Object.fromEntries(types.map((m, i) => [m, loaded[i]!])),
      options.models,
      options.fullRange,
    );
    if (!(await outputsFinite(loaded))) return false;
    // And the whole pipeline once, as each frame will run it.
    const probe = new ImageData(64, 48);
    return Array.isArray(await engine.detect(probe));
  });
  if (!backend || !engine) {
    throw Object.assign(
      new Error(`no tfjs backend worked: ${attempts.map((a) => `${a.backend}: ${a.reason}`).join('; ')}`),
      {
        attempts,
      },
    );
  }
  const ready = engine;
  let threads: number | undefined;
  if (backend === 'wasm') {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    threads = wasm.getThreadsCount();
  }

  let identity: IdentityChecker | undefined;
  let identityInfo: DetectorInfo['identity'];
  if (options.identity) {
    try {
      identity = createIdentityChecker(await loadGraphModel(`${base}${options.identity.model}.json`), options.identity);
      identityInfo = 'on';
    } catch (err) {
      identityInfo = { off: `embedding model did not load: ${(err as Error).message}` };
    }
  }

  let scratch: ReturnType<typeof canvas2d> | undefined;
  /** The last frame the models ran on: its time, block lumas and faces (frameChange.ts). */
  let last: { t: number; grid: Float32Array; faces: FrameResult['faces'] } | undefined;
  /** When full-range last ran, as far as this core knows (outside a steady scene its schedule runs it often). */
  let lastFullAt = Number.NEGATIVE_INFINITY;
  return {
    info: { backend, attempts, threads, identity: identityInfo },
    async analyse(source, t, due) {
      // Draw from the source's intrinsic size (scaled to the analysis size). Never hand tfjs a <video> directly: without width/height set to
      // videoWidth/videoHeight its boxes come back as zeros.
      const { width, height } = analysisSize(
        'videoWidth' in source ? source.videoWidth : 'displayWidth' in source ? source.displayWidth : source.width,
        'videoHeight' in source ? source.videoHeight : 'displayHeight' in source ? source.displayHeight : source.height,
      );
      if (!scratch || scratch.canvas.width !== width || scratch.canvas.height !== height) {
        scratch = canvas2d(width, height);
      }
      scratch.ctx.drawImage(source, 0, 0, width, height);
      const image = scratch.ctx.getImageData(0, 0, width, height);
      const t0 = performance.now();
      const grid = blockLuma(image.data, width, height);
      const measured = (faces: FrameResult['faces']) => ({
        t,
        faces,
        luma: frameLuma(image.data, width, height),
        roomLuma: roomLuma(image.data, width, height, faces),
        width,
        height,
      });
      // A steady scene's frame that changed nowhere since the models last ran: they would find the same faces.
      if (mayReuse(due?.steady === true, last, grid, t)) {
        return { ...measured(last!.faces), inferenceMs: performance.now() - t0, unchanged: true };
      }
      // Full-range at least every REUSE_MAX_MS in a steady scene, even if unchanged frames fell on its turns.
      const fullRange = due?.steady ? due.fullRange === true || t - lastFullAt >= REUSE_MAX_MS : due?.fullRange;
      if (!due?.steady || fullRange) lastFullAt = t;
      const faces = await ready.detect(image, t, { ...due, fullRange });
      last = { t, grid, faces };
      const checked = identity ? await identity.check(image, faces, t, due?.steady) : undefined;
      const result: FrameResult = { ...measured(faces), inferenceMs: performance.now() - t0 };
      return checked ? { ...result, identity: checked } : result;
    },
    dispose() {
      identity?.dispose();
      ready.dispose();
    },
  };
}
