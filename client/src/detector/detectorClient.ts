// The page's handle on the detector: a Web Worker fed ImageBitmaps when the browser supports it, otherwise the
// same core on the main thread.
import {
  analysisSize,
  type DetectorInfo,
  type DetectorOptions,
  type FrameResult,
  type FromWorker,
  type ToWorker,
} from './protocol.ts';
import type { FrameDue } from './scenePace.ts';

export interface Detector {
  readonly info: DetectorInfo;
  /**
   * Analyses the video's current frame; undefined when the frame could not be analysed (logged, skipped).
   * `due`: what the scene's pace asks of this frame (scenePace.ts); absent, the full-range schedule decides.
   */
  analyse(video: HTMLVideoElement, t: number, due?: FrameDue): Promise<FrameResult | undefined>;
  dispose(): void;
}

/**
 * The camera's current frame for the worker. A VideoFrame (WebCodecs) refers to the camera's own buffer: nothing is
 * converted on the page, and the worker converts and scales it in its one draw to the analysis size. Where VideoFrame
 * is missing, an ImageBitmap scaled on the page (a colour conversion and a copy here, another draw there).
 */
async function grabFrame(video: HTMLVideoElement): Promise<ImageBitmap | VideoFrame> {
  if (typeof VideoFrame !== 'undefined') {
    try {
      return new VideoFrame(video);
    } catch {
      // e.g. no frame decoded yet, or a browser whose VideoFrame cannot take a <video>: the bitmap path below.
    }
  }
  const size = analysisSize(video.videoWidth, video.videoHeight);
  return createImageBitmap(video, { resizeWidth: size.width, resizeHeight: size.height });
}

const workerSupported = () =>
  typeof Worker !== 'undefined' && typeof OffscreenCanvas !== 'undefined' && typeof createImageBitmap !== 'undefined';

export async function startDetector(options: DetectorOptions, useWorker = workerSupported()): Promise<Detector> {
  if (useWorker) {
    try {
      return await startWorkerDetector(options);
    } catch (err) {
      console.warn('detector_worker_failed', { message: (err as Error).message });
    }
  }
  const { createDetectorCore } = await import('./detectorCore.ts');
  const core = await createDetectorCore(options);
  return {
    info: { ...core.info, thread: 'main' },
    analyse: (video, t, due) => core.analyse(video, t, due),
    dispose: () => core.dispose(),
  };
}

function startWorkerDetector(options: DetectorOptions): Promise<Detector> {
  // The literal `new URL(..., import.meta.url)` inside `new Worker` is what lets Vite bundle the worker.
  const worker = new Worker(new URL('./detector.worker.ts', import.meta.url), { type: 'module', name: 'detector' });
  const send = (msg: ToWorker, transfer: Transferable[] = []) => worker.postMessage(msg, transfer);
  let pending: { t: number; resolve: (r: FrameResult | undefined) => void } | undefined;

  return new Promise((resolve, reject) => {
    worker.onerror = (e) => {
      reject(new Error(`detector worker error: ${e.message}`));
      pending?.resolve(undefined);
      pending = undefined;
    };
    worker.onmessage = (e: MessageEvent<FromWorker>) => {
      const msg = e.data;
      if (msg.type === 'ready') {
        resolve({
          info: msg.info,
          async analyse(video, t, due) {
            if (pending) return undefined; // one frame in flight: the loop skips rather than queues
            const bitmap = await grabFrame(video);
            return new Promise((res) => {
              pending = { t, resolve: res };
              send({ type: 'frame', t, bitmap, due }, [bitmap]);
            });
          },
          dispose() {
            send({ type: 'dispose' });
            worker.terminate();
            pending?.resolve(undefined);
          },
        });
      } else if (msg.type === 'init-failed') {
        worker.terminate();
        reject(Object.assign(new Error(msg.message), { attempts: msg.attempts }));
      } else if (msg.type === 'result' || msg.type === 'frame-failed') {
        if (msg.type === 'frame-failed') console.warn('detector_frame_failed', { message: msg.message });
        const p = pending;
        pending = undefined;
        p?.resolve(msg.type === 'result' ? msg.result : undefined);
      }
    };
    send({ type: 'init', options });
  });
}
