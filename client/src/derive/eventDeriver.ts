// The pure state machine from detector observations to AnomalyEvents: no clocks, no I/O, ids injected.
import type { AnomalyEvent } from '@proctor/contracts';
import { createAnomalyTracker, type Sample, type Segment } from './anomalyTracker.ts';
import { DERIVE_DEFAULTS, type DeriveConfig } from './config.ts';
import { type HeadPose, neutralPose, rawHeadPose } from './headPose.ts';
import type { FaceDetection, FrameObservation } from './types.ts';

export type CameraLostReason = 'TRACK_ENDED' | 'PERMISSION_REVOKED' | 'DEVICE_ERROR';

type TrackedType = 'LOOK_AWAY' | 'MULTI_PERSON' | 'NO_FACE' | 'CAMERA_BLOCKED';

/** An anomaly passed its hysteresis (it is real, not one bad frame); `eventId` is the id its first event will carry. */
export interface AnomalyBegin {
  type: TrackedType;
  eventId: string;
  t: number;
}

export interface DeriverHooks {
  /** Called once per anomaly, on the frame that confirms it (before its first event, which may come much later). */
  onAnomalyBegin?: (begin: AnomalyBegin) => void;
}

export interface EventDeriver {
  /** One analysed frame in, zero or more finished events out. Frames must come in time order. */
  observe(frame: FrameObservation): AnomalyEvent[];
  /** The camera is gone: closes open anomalies at `t` and reports CAMERA_LOST. Later frames are ignored. */
  cameraLost(t: number, reason: CameraLostReason): AnomalyEvent[];
  /** Session ends: closes open anomalies at `t`. */
  close(t: number): AnomalyEvent[];
  /** Calibration progress in [0, 1]; 1 once the neutral pose is known. */
  readonly calibration: number;
}

const round2 = (v: number) => Math.round(Math.max(0, Math.min(1, v)) * 100) / 100;
const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);
const duration = (s: Segment) => Math.min(3_600_000, Math.max(0, Math.round(s.end - s.start)));

/**
 * `aspect` is the frame's width / height (keypoints are normalized per axis). `newId` makes eventIds; the
 * browser passes crypto.randomUUID, tests pass a counter.
 */
export function createEventDeriver(
  overrides: Partial<DeriveConfig> = {},
  newId: () => string = () => crypto.randomUUID(),
  aspect = 4 / 3,
  hooks: DeriverHooks = {},
): EventDeriver {
  const c: DeriveConfig = { ...DERIVE_DEFAULTS, ...overrides };
  const exit = { exitMs: c.exitMs, exitFrames: c.exitFrames, maxSegmentMs: c.maxSegmentMs };
  const noFace = createAnomalyTracker<Sample & { luma: number }>({
    minMs: c.noFaceMinMs,
    minFrames: c.noFaceFrames,
    ...exit,
  });
  const blocked = createAnomalyTracker<Sample & { luma: number }>({
    minMs: c.blockedMinMs,
    minFrames: c.blockedFrames,
    ...exit,
  });
  const lookAway = createAnomalyTracker<Sample & HeadPose>({
    minMs: c.lookAwayMinMs,
    minFrames: c.lookAwayFrames,
    ...exit,
  });
  const lowLight = createAnomalyTracker<Sample & { luma: number }>({
    minMs: c.lowLightMinMs,
    minFrames: c.lowLightFrames,
    exitMs: c.exitMs,
    exitFrames: c.exitFrames,
    maxSegmentMs: c.lowLightSegmentMs,
  });
  // MULTI_PERSON is high severity: reported as soon as N consecutive frames confirm it. minMs 0: frames decide.
  const multi = createAnomalyTracker<Sample & { faces: number; luma: number }>(
    { minMs: 0, minFrames: c.multiPersonFrames, ...exit },
    true,
  );

  const calibrationSamples: HeadPose[] = [];
  let neutral: HeadPose | undefined;
  let lost = false;

  // The id of each confirmed anomaly's first event, handed out at confirmation so a thumbnail can name it.
  const begun: Partial<Record<TrackedType, string>> = {};
  function observeTracked<S extends Sample>(
    type: TrackedType,
    tracker: { active: boolean; observe(t: number, s: S | undefined): Segment<S>[] },
    t: number,
    sample: S | undefined,
  ): Segment<S>[] {
    const wasActive = tracker.active;
    const segs = tracker.observe(t, sample);
    if (!wasActive && tracker.active) {
      const eventId = newId();
      begun[type] = eventId;
      hooks.onAnomalyBegin?.({ type, eventId, t });
    }
    return segs;
  }
  const idFor = (type: TrackedType, s: Segment) => {
    const id = s.first ? begun[type] : undefined;
    if (id) delete begun[type];
    return id ?? newId();
  };

  const base = (s: Segment, type: TrackedType) => ({
    eventId: idFor(type, s),
    timestamp: Math.round(s.start),
    confidence: round2(mean(s.samples.map((x) => x.evidence))),
  });

  function lookAwayEvents(segs: Segment<Sample & HeadPose>[]): AnomalyEvent[] {
    return segs.map((s) => {
      const yaw = mean(s.samples.map((p) => p.yaw));
      const pitch = mean(s.samples.map((p) => p.pitch));
      const horizontal = Math.abs(yaw) / c.lookAwayYawDegrees >= Math.abs(pitch) / c.lookAwayPitchDegrees;
      // Unmirrored camera: the nose moving to the image's right means the candidate turned to their LEFT.
      const direction = horizontal ? (yaw > 0 ? 'LEFT' : 'RIGHT') : pitch > 0 ? 'DOWN' : 'UP';
      return {
        ...base(s, 'LOOK_AWAY'),
        type: 'LOOK_AWAY',
        details: {
          durationMillis: duration(s),
          direction,
          yawDegrees: Math.round(yaw * 10) / 10,
          pitchDegrees: Math.round(pitch * 10) / 10,
        },
      };
    });
  }

  // A face missed in a dim room is a condition to fix, never evidence on its own: the event carries the room's light
  // whenever it was under LOW_LIGHT's line, so the proctor's alert names it even before LOW_LIGHT itself (5 s) is due.
  const noFaceEvents = (segs: Segment<Sample & { luma: number }>[]): AnomalyEvent[] =>
    segs.map((s) => {
      const luma = Math.round(mean(s.samples.map((x) => x.luma)) * 10) / 10;
      return {
        ...base(s, 'NO_FACE'),
        type: 'NO_FACE',
        details: { durationMillis: duration(s), ...(luma < c.lowLightMeanLuma && { meanLuma: luma }) },
      };
    });

  const blockedEvents = (segs: Segment<Sample & { luma: number }>[]): AnomalyEvent[] =>
    segs.map((s) => ({
      ...base(s, 'CAMERA_BLOCKED'),
      type: 'CAMERA_BLOCKED',
      details: { durationMillis: duration(s), meanLuma: Math.round(mean(s.samples.map((x) => x.luma)) * 10) / 10 },
    }));

  const lowLightEvents = (segs: Segment<Sample & { luma: number }>[]): AnomalyEvent[] =>
    segs.map((s) => ({
      // Not a thumbnail type (a condition, not an incident): a fresh id, no begin hook.
      eventId: newId(),
      timestamp: Math.round(s.start),
      confidence: round2(mean(s.samples.map((x) => x.evidence))),
      type: 'LOW_LIGHT',
      details: { durationMillis: duration(s), meanLuma: Math.round(mean(s.samples.map((x) => x.luma)) * 10) / 10 },
    }));

  // Faces counted in a dim room, where the full-range model that finds people further back is least fair (see
  // docs/fairness.md), are read beside the light as NO_FACE is: the event carries it for the proctor's alert.
  const multiEvents = (segs: Segment<Sample & { faces: number; luma: number }>[]): AnomalyEvent[] =>
    segs.map((s) => {
      const luma = Math.round(mean(s.samples.map((x) => x.luma)) * 10) / 10;
      return {
        ...base(s, 'MULTI_PERSON'),
        type: 'MULTI_PERSON',
        details: {
          faceCount: Math.min(50, Math.max(2, ...s.samples.map((x) => x.faces))),
          durationMillis: duration(s),
          ...(luma < c.lowLightMeanLuma && { meanLuma: luma }),
        },
      };
    });

  function closeAll(t: number): AnomalyEvent[] {
    return [
      ...multiEvents(multi.close(t)),
      ...blockedEvents(blocked.close(t)),
      ...noFaceEvents(noFace.close(t)),
      ...lookAwayEvents(lookAway.close(t)),
      ...lowLightEvents(lowLight.close(t)),
    ];
  }

  return {
    get calibration() {
      return neutral ? 1 : calibrationSamples.length / c.calibrationFrames;
    },
    observe(frame) {
      if (lost) return [];
      const { t } = frame;
      // A covered lens shows no face. A frame as dark as that in which the detector still finds the candidate is a
      // dim room, a condition (LOW_LIGHT), not a blocked camera: bench/client-thresholds.ts found 95-100% of faces
      // down to mean luma 13 (docs/decisions.md).
      const isBlocked =
        (frame.luma.mean < c.blockedMeanLuma || frame.luma.stdDev < c.blockedStdDevLuma) &&
        !frame.faces.some((f) => f.score >= c.presenceScore);
      const present = isBlocked ? [] : frame.faces.filter((f) => f.score >= c.presenceScore);
      const counted = present.filter((f) => f.score >= c.multiPersonScore).sort((a, b) => b.score - a.score);
      const primary = largest(present);

      // Blocked: how dark or how flat, whichever is stronger.
      const blockedSample = isBlocked
        ? {
            evidence: Math.max(
              1 - frame.luma.mean / (c.blockedMeanLuma * 2),
              1 - frame.luma.stdDev / (c.blockedStdDevLuma * 2),
              0.5,
            ),
            luma: frame.luma.mean,
          }
        : undefined;
      // Low light: dim but not blocked; evidence is how far below the threshold the frame is.
      const room = frame.roomLuma?.mean ?? frame.luma.mean;
      const lowLightSample =
        !isBlocked && room < c.lowLightMeanLuma
          ? { evidence: Math.max(0.5, 1 - room / (2 * c.lowLightMeanLuma)), luma: room }
          : undefined;
      // No face: the best face score is the doubt that the candidate is really gone.
      const noFaceSample =
        !isBlocked && !primary
          ? { evidence: 1 - Math.max(0, ...frame.faces.map((f) => f.score)), luma: room }
          : undefined;
      // Two or more people: the second-most-confident face is the weakest link.
      const multiSample =
        counted.length >= 2 ? { evidence: counted[1]!.score, faces: counted.length, luma: room } : undefined;

      let pose: HeadPose | undefined;
      if (primary) {
        const raw = rawHeadPose(primary, aspect);
        if (raw && !neutral && present.length === 1) {
          calibrationSamples.push(raw);
          if (calibrationSamples.length >= c.calibrationFrames) neutral = neutralPose(calibrationSamples);
        } else if (raw && neutral) {
          pose = { yaw: raw.yaw - neutral.yaw, pitch: raw.pitch - neutral.pitch };
        }
      }
      // Looking away: how far past the threshold, times how sure the detector is of the face.
      const excess = pose
        ? Math.max(Math.abs(pose.yaw) / c.lookAwayYawDegrees, Math.abs(pose.pitch) / c.lookAwayPitchDegrees)
        : 0;
      const lookSample =
        pose && primary && excess > 1 ? { evidence: Math.min(1, excess / 1.5) * primary.score, ...pose } : undefined;

      return [
        ...multiEvents(observeTracked('MULTI_PERSON', multi, t, multiSample)),
        ...blockedEvents(observeTracked('CAMERA_BLOCKED', blocked, t, blockedSample)),
        ...noFaceEvents(observeTracked('NO_FACE', noFace, t, noFaceSample)),
        ...lookAwayEvents(observeTracked('LOOK_AWAY', lookAway, t, lookSample)),
        ...lowLightEvents(lowLight.observe(t, lowLightSample)),
      ];
    },
    cameraLost(t, reason) {
      if (lost) return [];
      lost = true;
      return [
        ...closeAll(t),
        { eventId: newId(), type: 'CAMERA_LOST', timestamp: Math.round(t), confidence: 1, details: { reason } },
      ];
    },
    close(t) {
      return closeAll(t);
    },
  };
}

function largest(faces: FaceDetection[]): FaceDetection | undefined {
  let best: FaceDetection | undefined;
  for (const f of faces) if (!best || f.box.width * f.box.height > best.box.width * best.box.height) best = f;
  return best;
}
