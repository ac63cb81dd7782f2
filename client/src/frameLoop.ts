// The frame loop: the camera's current frame to the detector, its result to the event state machine and the
// identity tracker, and what the candidate should see to the status. One frame in flight at most; a slow frame
// makes the loop skip, never queue. With a pace, a steady scene is analysed less often (scenePace.ts).
import type { AnomalyEvent } from '@proctor/contracts';
import type { EventDeriver } from './derive/eventDeriver.ts';
import { median } from './derive/headPose.ts';
import type { Detector } from './detector/detectorClient.ts';
import type { ScenePace } from './detector/scenePace.ts';
import type { IdentityTracker } from './identity/identityTracker.ts';
import type { StatusStore } from './status.ts';

export interface FrameLoopOptions {
  detector: Detector;
  video: HTMLVideoElement;
  fps: number;
  /** Which ticks of the `fps` timer analyse a frame, and whether full-range runs on it; absent, every tick. */
  pace?: ScenePace;
  deriver: EventDeriver;
  /** Identity continuity, when on: fed each frame's similarity check. */
  identity?: IdentityTracker;
  /** Faces at or above this score are counted in the status (the deriver's presence threshold). */
  presenceScore: number;
  /** Frames with the room's mean luma under this are dim (the deriver's lowLightMeanLuma). */
  lowLightMeanLuma: number;
  status: StatusStore;
  /** Where each frame's events go (queued for the edge). */
  emit: (events: AnomalyEvent[]) => Promise<void>;
}

/** Starts analysing frames at `fps`; returns the function that stops it. */
export function startFrameLoop(o: FrameLoopOptions): () => void {
  const recentMs: number[] = [];
  let busy = false;
  let stopped = false;
  const timer = setInterval(async () => {
    if (busy || stopped || o.status.current.camera !== 'on') return;
    const t = Date.now();
    const due = o.pace ? o.pace.tick(t) : {};
    if (!due) return;
    busy = true;
    try {
      const result = await o.detector.analyse(o.video, t, due);
      if (!result || stopped) return;
      o.pace?.observe(result);
      if (!result.unchanged) recentMs.push(result.inferenceMs); // the models' time, not a skipped frame's
      if (recentMs.length > 20) recentMs.shift();
      const events = o.deriver.observe(result);
      const check = result.identity;
      if (o.identity && check) {
        const checking = 'similarity' in check;
        if (checking) events.push(...o.identity.observe(result.t, check.similarity));
        const checks = (o.status.current.identity?.checks ?? 0) + (checking ? 1 : 0);
        o.status.update({ identity: { state: checking ? 'checking' : 'calibrating', checks } });
      }
      o.status.update({
        faces: result.faces.filter((f) => f.score >= o.presenceScore).length,
        light: result.roomLuma.mean < o.lowLightMeanLuma ? 'dim' : 'ok',
        // To 10 ms: a per-frame jitter of a millisecond would otherwise change the status, and the host's page, on
        // every frame (the store tells the host of changes only).
        inferenceMs: Math.round(median(recentMs) / 10) * 10,
        calibration: o.deriver.calibration,
        phase: o.deriver.calibration >= 1 ? 'running' : 'calibrating',
      });
      await o.emit(events);
    } finally {
      busy = false;
    }
  }, 1000 / o.fps);
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}
