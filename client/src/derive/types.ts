// What the detector hands the event state machine for each analysed frame: pure data, no tensors.

/** A point or box in normalized image coordinates: [0, 1] of the frame's width and height. */
interface Point {
  x: number;
  y: number;
}

export interface FaceDetection {
  /** Detector score in [0, 1]. */
  score: number;
  box: { x: number; y: number; width: number; height: number };
  /** MediaPipe's six: rightEye, leftEye, noseTip, mouthCenter, rightEarTragion, leftEarTragion. */
  keypoints: Point[];
}

/** One analysed frame. `luma` is brightness statistics of the frame (0–255) used for CAMERA_BLOCKED. */
export interface FrameObservation {
  /** Epoch ms when the frame was captured. */
  t: number;
  faces: FaceDetection[];
  luma: { mean: number; stdDev: number };
  /**
   * The room's luma, outside the detected faces (roomLuma): how dark the room is, for LOW_LIGHT and the preflight's
   * "too dark", so that a darker face in the same room gets the same advice. Absent: the whole frame's.
   */
  roomLuma?: { mean: number };
}
