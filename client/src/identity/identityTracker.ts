// Identity continuity as a pure state machine: similarities to the calibration embedding in, IDENTITY_CHANGED out.
import type { AnomalyEvent } from '@proctor/contracts';
import { createAnomalyTracker } from '../derive/anomalyTracker.ts';

export interface IdentityConfig {
  /** How often the worker embeds the face and compares it (ms); a check needs exactly one confident face. */
  checkIntervalMs: number;
  /** Cosine similarity below this means "not the calibrated candidate" (chosen in bench/client-identity.ts). */
  threshold: number;
  /** Checks in a row below the threshold, spanning at least minChangeMs, before the change is reported. */
  checksToChange: number;
  minChangeMs: number;
  /** Checks at or above the threshold, spanning recoverMs, before a later change can be reported again. */
  checksToRecover: number;
  recoverMs: number;
  /** Checks whose mean embedding becomes the reference (calibration, first frames with one face). */
  calibrationChecks: number;
}

export const IDENTITY_DEFAULTS: IdentityConfig = {
  checkIntervalMs: 3000,
  threshold: 0.4,
  checksToChange: 3,
  minChangeMs: 4000,
  checksToRecover: 2,
  recoverMs: 2000,
  calibrationChecks: 3,
};

export interface IdentityTracker {
  /** One comparison at `t` (epoch ms). Returns IDENTITY_CHANGED once when a change is confirmed. */
  observe(t: number, similarity: number): AnomalyEvent[];
  /** Session end: nothing to report (a change was reported when confirmed). */
  close(t: number): AnomalyEvent[];
}

const round3 = (v: number) => Math.round(v * 1000) / 1000;

export function createIdentityTracker(
  overrides: Partial<IdentityConfig> = {},
  newId: () => string = () => crypto.randomUUID(),
): IdentityTracker {
  const c = { ...IDENTITY_DEFAULTS, ...overrides };
  // Confirm-reported with no segmentation: one event per takeover; it ends only after the candidate is back.
  const tracker = createAnomalyTracker<{ evidence: number; similarity: number }>(
    {
      minMs: c.minChangeMs,
      minFrames: c.checksToChange,
      exitMs: c.recoverMs,
      exitFrames: c.checksToRecover,
      maxSegmentMs: Number.POSITIVE_INFINITY,
    },
    true,
  );
  return {
    observe(t, similarity) {
      const sample =
        similarity < c.threshold
          ? // Further below the threshold is surer; at -threshold or lower it is certain.
            { evidence: Math.min(1, 0.5 + (c.threshold - similarity) / (2 * Math.max(0.05, c.threshold))), similarity }
          : undefined;
      return tracker.observe(t, sample).map((s): AnomalyEvent => {
        const sims = s.samples.map((x) => x.similarity).sort((a, b) => a - b);
        return {
          eventId: newId(),
          type: 'IDENTITY_CHANGED',
          timestamp: Math.round(s.start),
          confidence: Math.round((s.samples.reduce((a, x) => a + x.evidence, 0) / s.samples.length) * 100) / 100,
          details: {
            durationMillis: Math.min(3_600_000, Math.round(s.end - s.start)),
            similarity: round3(Math.max(-1, Math.min(1, sims[Math.floor(sims.length / 2)]!))),
            threshold: c.threshold,
          },
        };
      });
    },
    close(t) {
      tracker.close(t);
      return [];
    },
  };
}
