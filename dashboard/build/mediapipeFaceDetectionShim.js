// Build-time stand-in for @mediapipe/face_detection: @tensorflow-models/face-detection's ESM entry imports it, but
// it is a classic script with no ES exports that Vite/rolldown refuse, and only the tfjs runtime is used here.
export class FaceDetection {
  constructor() {
    throw new Error('the mediapipe runtime is not bundled; use runtime "tfjs"');
  }
}
export const VERSION = 'shim';
