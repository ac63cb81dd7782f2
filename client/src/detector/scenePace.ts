// How often the frame loop analyses a frame, and whether full-range runs on it: slower while one candidate sits
// still in good light, the full rate again on the first frame that shows anything else.
import type { DeriveConfig } from '../derive/config.ts';
import { type HeadPose, rawHeadPose } from '../derive/headPose.ts';
import type { FaceDetection, FrameObservation } from '../derive/types.ts';

/** One face, nothing else, for this long before the pace slows: calibration (4 frames) is long done by then. */
const STEADY_AFTER_MS = 3000;
/** In steady state full-range runs on every n-th analysed frame: the full rate's count, at the slow interval. */
const STEADY_FULL_RANGE_EVERY = 3;
/** A face box whose centre moved this share of its width, or whose width changed by this share, is a large move. */
const MOVE_SHARE = 0.25;
const SIZE_SHARE = 0.2;
/** A head turned this share of the look-away angles away from where the steady run began is a change. */
const POSE_SHARE = 0.5;
/** The room's mean luma changed by this share since the steady run began: the light changed. */
const LIGHT_SHARE = 0.2;

export type PaceConfig = Pick<
  DeriveConfig,
  | 'presenceScore'
  | 'noFaceMinMs'
  | 'blockedMinMs'
  | 'lookAwayMinMs'
  | 'lowLightMinMs'
  | 'multiPersonFrames'
  | 'lookAwayYawDegrees'
  | 'lookAwayPitchDegrees'
  | 'blockedMeanLuma'
  | 'blockedStdDevLuma'
  | 'lowLightMeanLuma'
>;

/**
 * The steady interval. Every anomaly starts in a steady scene as a change, and the first analysed frame that
 * shows it puts the loop back at the full rate; from that frame on the deriver sees the same frames it sees today.
 * So an event is confirmed at most (slow − full) interval later than at the full rate, and its reported start moves
 * by the same. That lateness is held to half the shortest minimum duration of any event (at the defaults:
 * LOOK_AWAY's 1000 ms, and MULTI_PERSON's 3 frames spanning 1000 ms at 2 fps): at 2 fps the slow interval is
 * 1000 ms, and it is never longer than that shortest duration, so an anomaly lasting its minimum duration is always
 * seen by at least one analysed frame while it lasts. A full interval already as long as that is not slowed.
 */
export function slowIntervalMs(c: PaceConfig, fps: number): number {
  const full = 1000 / fps;
  const shortest = Math.min(
    c.noFaceMinMs,
    c.blockedMinMs,
    c.lookAwayMinMs,
    c.lowLightMinMs,
    (c.multiPersonFrames - 1) * full,
  );
  return Math.max(full, Math.min(full + shortest / 2, shortest));
}

export interface FrameDue {
  /**
   * Whether full-range runs on this frame: false in steady state except every STEADY_FULL_RANGE_EVERY-th frame;
   * undefined outside it, where the detector's own full-range schedule decides.
   */
  fullRange?: boolean;
  /** The scene is steady (lean pace only): identity is checked at its steady interval (identityChecker.ts). */
  steady?: true;
}

export interface ScenePace {
  /** Called on each tick of the full-rate timer: the frame to analyse now, or undefined to skip this tick. */
  tick(t: number): FrameDue | undefined;
  /** Each analysed frame's result, in time order. */
  observe(frame: FrameObservation & { width: number; height: number }): void;
  readonly steady: boolean;
}

interface Anchor {
  since: number;
  box: FaceDetection['box'];
  pose?: HeadPose;
  room: number;
}

/**
 * `lean` (default): a steady frame also tells the detector it is steady (FrameDue.steady); false paces the rate and
 * full-range's cadence only (the CPU bench's before arm).
 */
export function createScenePace(c: PaceConfig, fps: number, lean = true): ScenePace {
  const fullMs = 1000 / fps;
  const slowMs = slowIntervalMs(c, fps);
  let anchor: Anchor | undefined;
  let lastAnalysed = Number.NEGATIVE_INFINITY;
  let steadyFrames = 0;
  const isSteady = (t: number) => anchor !== undefined && t - anchor.since >= STEADY_AFTER_MS;

  /** The frame's lone face if the frame is one a steady run can hold: one face, light the deriver calls fine. */
  function loneFace(f: FrameObservation): FaceDetection | undefined {
    const faces = f.faces.filter((x) => x.score >= c.presenceScore);
    const room = f.roomLuma?.mean ?? f.luma.mean;
    const lightFine =
      f.luma.mean >= c.blockedMeanLuma && f.luma.stdDev >= c.blockedStdDevLuma && room >= c.lowLightMeanLuma;
    return faces.length === 1 && lightFine ? faces[0] : undefined;
  }

  function sameScene(a: Anchor, face: FaceDetection, pose: HeadPose | undefined, room: number): boolean {
    const centre = (b: FaceDetection['box']) => ({ x: b.x + b.width / 2, y: b.y + b.height / 2 });
    const [p, q] = [centre(a.box), centre(face.box)];
    const moved = Math.hypot(q.x - p.x, q.y - p.y) > MOVE_SHARE * a.box.width;
    const resized = Math.abs(face.box.width - a.box.width) > SIZE_SHARE * a.box.width;
    const turned =
      !a.pose ||
      !pose ||
      Math.abs(pose.yaw - a.pose.yaw) > POSE_SHARE * c.lookAwayYawDegrees ||
      Math.abs(pose.pitch - a.pose.pitch) > POSE_SHARE * c.lookAwayPitchDegrees;
    const relit = Math.abs(room - a.room) > LIGHT_SHARE * a.room;
    return !moved && !resized && !turned && !relit;
  }

  return {
    get steady() {
      return isSteady(lastAnalysed);
    },
    tick(t) {
      // Half a full interval of slack: timer ticks drift, and a tick a few ms early must not wait a whole tick more.
      const interval = isSteady(t) ? slowMs : fullMs;
      if (t - lastAnalysed < interval - fullMs / 2) return undefined;
      lastAnalysed = t;
      if (!isSteady(t)) return {};
      steadyFrames++;
      const fullRange = steadyFrames % STEADY_FULL_RANGE_EVERY === 0;
      return lean ? { fullRange, steady: true } : { fullRange };
    },
    observe(f) {
      const face = loneFace(f);
      const pose = face && rawHeadPose(face, f.width / f.height);
      const room = f.roomLuma?.mean ?? f.luma.mean;
      if (face && anchor && sameScene(anchor, face, pose, room)) return;
      // Anything else starts over: full rate from the next tick, steady again only after STEADY_AFTER_MS more.
      anchor = face && { since: f.t, box: face.box, pose, room };
      steadyFrames = 0;
    },
  };
}
