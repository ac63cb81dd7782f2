// Thresholds of the on-device event state machine, with the reason for each default.

export interface DeriveConfig {
  /** A face at or above this detector score counts as the candidate being present. */
  presenceScore: number;
  /** Faces at or above this score are counted for MULTI_PERSON (measured: see client/MODEL_CHOICE.md). */
  multiPersonScore: number;
  /** Consecutive frames with ≥ 2 counted faces before MULTI_PERSON: 3 frames is 1.5 s at 2 fps. */
  multiPersonFrames: number;
  /** A face absent this long (and for noFaceFrames frames) is NO_FACE; shorter gaps are blinks of the detector. */
  noFaceMinMs: number;
  noFaceFrames: number;
  /** Head turned beyond these angles from the calibrated neutral pose counts as looking away. */
  lookAwayYawDegrees: number;
  lookAwayPitchDegrees: number;
  /** Looking away must last this long, over at least lookAwayFrames frames, to be an event. */
  lookAwayMinMs: number;
  lookAwayFrames: number;
  /**
   * A frame darker than this mean luma (0–255), or flatter than this luma standard deviation, is blocked, unless the
   * detector still finds a face in it (then the room is dim: LOW_LIGHT; measured in bench/client-thresholds.ts).
   */
  blockedMeanLuma: number;
  blockedStdDevLuma: number;
  blockedMinMs: number;
  blockedFrames: number;
  /**
   * A frame darker than this mean luma (but not blocked) is LOW_LIGHT: a condition of the room, reported so the
   * proctor knows detection is less reliable, never scored. Checked in bench/client-thresholds.ts (docs/decisions.md).
   */
  lowLightMeanLuma: number;
  lowLightMinMs: number;
  lowLightFrames: number;
  /** Low light is reported in segments of at most this length (a condition needs no 10 s updates). */
  lowLightSegmentMs: number;
  /** An anomaly ends only after its condition has been false this long and for exitFrames frames (hysteresis). */
  exitMs: number;
  exitFrames: number;
  /**
   * A long anomaly is reported in segments of at most this length so the processor hears about it while it
   * lasts (events are immutable once sent; a later segment is a new event starting where the last ended).
   */
  maxSegmentMs: number;
  /** Frames with exactly one confident face whose median pose becomes the neutral pose. */
  calibrationFrames: number;
}

export const DERIVE_DEFAULTS: DeriveConfig = {
  presenceScore: 0.5,
  multiPersonScore: 0.6,
  multiPersonFrames: 3,
  noFaceMinMs: 2000,
  noFaceFrames: 3,
  lookAwayYawDegrees: 25,
  lookAwayPitchDegrees: 20,
  lookAwayMinMs: 1000,
  lookAwayFrames: 2,
  blockedMeanLuma: 25,
  blockedStdDevLuma: 6,
  blockedMinMs: 2000,
  blockedFrames: 3,
  lowLightMeanLuma: 55,
  lowLightMinMs: 5000,
  lowLightFrames: 5,
  lowLightSegmentMs: 60_000,
  exitMs: 1000,
  exitFrames: 2,
  maxSegmentMs: 10_000,
  calibrationFrames: 4,
};
