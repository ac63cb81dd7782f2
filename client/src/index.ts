// @proctor/client: on-device proctoring for an exam page. Only JSON events and heartbeats leave the device, plus
// tiny alert thumbnails when the session's policy and the candidate's consent both allow them.
export type { DeriveConfig } from './derive/config.ts';
export { DERIVE_DEFAULTS } from './derive/config.ts';
export { type CameraLostReason, createEventDeriver, type EventDeriver } from './derive/eventDeriver.ts';
export type { FaceDetection, FrameObservation } from './derive/types.ts';
export type { ModelChoice } from './detector/faceEngine.ts';
export type { BackendName } from './detector/protocol.ts';
export {
  assessSetup,
  PREFLIGHT_DEFAULTS,
  PREFLIGHT_MESSAGES,
  type PreflightCheck,
  type PreflightProblem,
  type PreflightReport,
  type PreflightThresholds,
} from './preflight/assessSetup.ts';
export {
  type PreflightHandle,
  type PreflightOptions,
  type PreflightStart,
  startPreflight,
} from './preflight/startPreflight.ts';
export { CLIENT_VERSION } from './sessionLink.ts';
export { type ProctoringHandle, type ProctoringOptions, startProctoring } from './startProctoring.ts';
export type { ProctoringStatus } from './status.ts';
export { abandonSession, readSessionConfig } from './transport/readSessionConfig.ts';
