// The preflight's verdict on the candidate's setup (light, face size, detector confidence) from the last few
// analysed frames, with a message that says how to fix each problem. Pure: frames in, report out.
import { DERIVE_DEFAULTS } from '../derive/config.ts';
import type { FrameObservation } from '../derive/types.ts';

/** Chosen from bench/client-thresholds.ts (docs/decisions.md, "Preflight and LOW_LIGHT thresholds"). */
export interface PreflightThresholds {
  /** Below this mean frame luma (0–255) the lens is covered or the room is black: CAMERA_BLOCKED's threshold. */
  blockedMeanLuma: number;
  /** Below this mean luma the room is too dark: LOW_LIGHT's threshold, so a passed preflight raises no LOW_LIGHT. */
  minMeanLuma: number;
  /** Above this mean luma the picture is washed out. */
  maxMeanLuma: number;
  /** The candidate's face narrower than this fraction of the frame's width is too far away. */
  minFaceWidth: number;
  /** Wider than this, the face is too close (part of it leaves the frame when the head turns). */
  maxFaceWidth: number;
  /** The detector's median score for the candidate's face below this means it barely sees them. */
  minScore: number;
  /** A face counts as present at this score (the deriver's presenceScore). */
  presenceScore: number;
  /** A second face at this score counts as another person (the deriver's multiPersonScore). */
  multiPersonScore: number;
  /** Frames in the window the verdict is taken over (medians): 6 is 3 s at 2 fps. */
  frames: number;
}

export const PREFLIGHT_DEFAULTS: PreflightThresholds = {
  blockedMeanLuma: DERIVE_DEFAULTS.blockedMeanLuma,
  minMeanLuma: DERIVE_DEFAULTS.lowLightMeanLuma,
  maxMeanLuma: 200,
  minFaceWidth: 0.15,
  maxFaceWidth: 0.6,
  minScore: 0.75,
  presenceScore: DERIVE_DEFAULTS.presenceScore,
  multiPersonScore: DERIVE_DEFAULTS.multiPersonScore,
  frames: 6,
};

export type PreflightProblem =
  | 'covered'
  | 'too-dark'
  | 'too-bright'
  | 'no-face'
  | 'several-faces'
  | 'too-small'
  | 'too-close'
  | 'low-confidence';

export interface PreflightCheck {
  name: 'light' | 'faceSize' | 'confidence';
  ok: boolean;
  problem?: PreflightProblem;
  /** For the candidate: what is right, or what to do. */
  message: string;
  /** The measured median: mean luma, face width as a fraction of the frame, or detector score. */
  value?: number;
}

export interface PreflightReport {
  /** 'measuring' until the window is full; then 'pass' when every check is ok, else 'fix'. */
  state: 'measuring' | 'pass' | 'fix';
  checks: PreflightCheck[];
  frames: number;
}

export const PREFLIGHT_MESSAGES: Record<PreflightProblem | 'light' | 'faceSize' | 'confidence', string> = {
  covered: 'Your camera sees almost nothing: uncover the lens, or turn on a light.',
  'too-dark': 'Too dark: turn on a light facing you, or sit facing a window.',
  'too-bright': 'Too bright: move out of direct sunlight, or turn so the window is not behind or beside the camera.',
  'no-face': 'We cannot see your face: sit in front of the camera and look at the screen.',
  'several-faces': 'More than one face in view: make sure only you are in front of the camera.',
  'too-small': 'Your face is too small: move closer to the camera.',
  'too-close': 'You are too close: move back a little so your whole face is in view.',
  'low-confidence':
    'Your face is hard to make out: face the camera, uncover your face, and have the light in front of you, not behind.',
  light: 'Light is good.',
  faceSize: 'Your face is clearly in view.',
  confidence: 'Your face is recognised clearly.',
};

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};
const check = (name: PreflightCheck['name'], value: number | undefined, problem?: PreflightProblem) => ({
  name,
  ok: !problem,
  ...(problem && { problem }),
  message: PREFLIGHT_MESSAGES[problem ?? name],
  ...(value !== undefined && { value: Math.round(value * 1000) / 1000 }),
});

/** The verdict over the last `t.frames` frames (fewer: 'measuring', with the checks so far). */
export function assessSetup(frames: FrameObservation[], t: PreflightThresholds = PREFLIGHT_DEFAULTS): PreflightReport {
  const window = frames.slice(-t.frames);
  if (window.length === 0) return { state: 'measuring', checks: [], frames: 0 };
  // Darkness is the room's (a darker face must not make the room look darker); glare is the whole picture's (a
  // pale wall behind a well-lit face is not too bright).
  const luma = median(window.map((f) => f.roomLuma?.mean ?? f.luma.mean));
  const whole = median(window.map((f) => f.luma.mean));
  const light =
    luma < t.blockedMeanLuma
      ? 'covered'
      : luma < t.minMeanLuma
        ? 'too-dark'
        : whole > t.maxMeanLuma
          ? 'too-bright'
          : undefined;

  // The candidate is the best-scored face of each frame; a frame without one scores 0.
  const best = window.map((f) =>
    f.faces.reduce<FrameObservation['faces'][number] | undefined>(
      (b, face) => (!b || face.score > b.score ? face : b),
      undefined,
    ),
  );
  const score = median(best.map((f) => f?.score ?? 0));
  const present = best.filter((f): f is NonNullable<typeof f> => !!f && f.score >= t.presenceScore);
  const several = window.filter((f) => f.faces.filter((x) => x.score >= t.multiPersonScore).length >= 2).length;
  const width = present.length > 0 ? median(present.map((f) => f.box.width)) : undefined;
  const size =
    score < t.presenceScore || width === undefined
      ? 'no-face'
      : several * 2 > window.length
        ? 'several-faces'
        : width < t.minFaceWidth
          ? 'too-small'
          : width > t.maxFaceWidth
            ? 'too-close'
            : undefined;
  const confidence = score < t.presenceScore ? 'no-face' : score < t.minScore ? 'low-confidence' : undefined;

  const checks = [
    check('light', light === 'too-bright' ? whole : luma, light),
    check('faceSize', width, size),
    check('confidence', score, confidence),
  ];
  const state = window.length < t.frames ? 'measuring' : checks.every((c) => c.ok) ? 'pass' : 'fix';
  return { state, checks, frames: window.length };
}
