// Preflight before the exam: the camera and the same detector the exam uses, analysing frames on the device and
// reporting how to fix the setup. It has no network code: nothing it sees or measures leaves the page.
import { openCamera } from '../camera/camera.ts';
import type { FrameObservation } from '../derive/types.ts';
import { startDetector } from '../detector/detectorClient.ts';
import { type DetectorChoice, detectorDefaults } from '../detectorChoice.ts';
import { assessSetup, PREFLIGHT_DEFAULTS, type PreflightReport, type PreflightThresholds } from './assessSetup.ts';

/** The detector choices as for startProctoring: the same detector, so the preflight measures what the exam will see. */
export interface PreflightOptions extends DetectorChoice {
  /** Element for the camera preview; a detached one is used when absent. */
  video?: HTMLVideoElement;
  /** Called after every analysed frame with the verdict over the recent window. */
  onReport: (report: PreflightReport) => void;
  /** Frames analysed per second, default 2 (as during the exam). */
  fps?: number;
  thresholds?: Partial<PreflightThresholds>;
}

export interface PreflightHandle {
  /** The latest verdict (undefined before the first analysed frame). */
  readonly report: PreflightReport | undefined;
  /** Releases the camera and the detector; the exam opens its own. */
  stop(): void;
}

export type PreflightStart =
  | { ok: true; handle: PreflightHandle }
  | { ok: false; reason: 'camera' | 'detector'; message: string };

export async function startPreflight(options: PreflightOptions): Promise<PreflightStart> {
  const thresholds = { ...PREFLIGHT_DEFAULTS, ...options.thresholds };
  const fps = options.fps ?? 2;
  const video = options.video ?? document.createElement('video');
  const opened = await openCamera(video, () => undefined);
  if (!opened.ok) return { ok: false, reason: 'camera', message: opened.message };
  const camera = opened.camera;
  let detector: Awaited<ReturnType<typeof startDetector>>;
  try {
    detector = await startDetector(detectorDefaults(options));
  } catch (err) {
    camera.stop();
    return { ok: false, reason: 'detector', message: (err as Error).message };
  }

  const recent: FrameObservation[] = [];
  let report: PreflightReport | undefined;
  let busy = false;
  let stopped = false;
  const timer = setInterval(async () => {
    if (busy || stopped) return;
    busy = true;
    try {
      const result = await detector.analyse(video, Date.now());
      if (!result || stopped) return;
      recent.push(result);
      if (recent.length > thresholds.frames) recent.shift();
      report = assessSetup(recent, thresholds);
      options.onReport(report);
    } finally {
      busy = false;
    }
  }, 1000 / fps);

  return {
    ok: true,
    handle: {
      get report() {
        return report;
      },
      stop() {
        if (stopped) return;
        stopped = true;
        clearInterval(timer);
        detector.dispose();
        camera.stop();
      },
    },
  };
}
