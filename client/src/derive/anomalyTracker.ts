// Hysteresis for one anomaly kind: enter after a minimum duration and frame count, leave only after the
// condition has stayed false long enough, and cut long anomalies into segments.

export interface TrackerParams {
  minMs: number;
  minFrames: number;
  exitMs: number;
  exitFrames: number;
  maxSegmentMs: number;
}

/** What one frame showed: `evidence` in [0, 1] of the anomaly, plus whatever the event needs from the frame. */
export interface Sample {
  evidence: number;
}

/** A stretch of frames to report: [start, end) in epoch ms with the samples of the frames where it held. */
export interface Segment<S extends Sample = Sample> {
  start: number;
  end: number;
  samples: S[];
  /** True for the first report of an anomaly (a confirmation), false for a continuation or end. */
  first: boolean;
}

type State<S> =
  | { kind: 'idle' }
  | { kind: 'pending'; start: number; samples: S[] }
  | {
      kind: 'active';
      segStart: number;
      samples: S[];
      reported: boolean;
      /** First frame of the current false run, if the condition is currently false. */
      falseSince?: number;
      falseFrames: number;
    };

export interface AnomalyTracker<S extends Sample> {
  /**
   * Feeds one frame: its sample, or undefined when the condition does not hold. Returns segments that are complete. With `reportOnConfirm`, a segment is reported
   * as soon as the anomaly is confirmed (from its start to now) and again every maxSegmentMs.
   */
  observe(t: number, sample: S | undefined): Segment<S>[];
  /** Ends any open anomaly at `t` (stop, camera lost). */
  close(t: number): Segment<S>[];
  readonly active: boolean;
}

export function createAnomalyTracker<S extends Sample>(p: TrackerParams, reportOnConfirm = false): AnomalyTracker<S> {
  let state: State<S> = { kind: 'idle' };

  function endActive(s: Extract<State<S>, { kind: 'active' }>, end: number): Segment<S>[] {
    state = { kind: 'idle' };
    // Confirm-reported anomalies (MULTI_PERSON) were already reported; their tail is not a new incident.
    if (reportOnConfirm || end <= s.segStart) return [];
    return [{ start: s.segStart, end, samples: s.samples, first: !s.reported }];
  }

  return {
    get active() {
      return state.kind === 'active';
    },
    observe(t, sample) {
      if (state.kind === 'idle') {
        if (sample) state = { kind: 'pending', start: t, samples: [sample] };
      } else if (state.kind === 'pending') {
        if (!sample) state = { kind: 'idle' };
        else state.samples.push(sample);
      }
      if (state.kind === 'pending' && state.samples.length >= p.minFrames && t - state.start >= p.minMs) {
        state = { kind: 'active', segStart: state.start, samples: state.samples, reported: false, falseFrames: 0 };
        if (reportOnConfirm) {
          const seg: Segment<S> = { start: state.segStart, end: t, samples: state.samples, first: true };
          state.segStart = t;
          state.reported = true;
          state.samples = [];
          return [seg];
        }
        return [];
      }
      if (state.kind !== 'active') return [];

      if (sample) {
        state.falseSince = undefined;
        state.falseFrames = 0;
        state.samples.push(sample);
      } else {
        state.falseSince ??= t;
        state.falseFrames++;
        if (state.falseFrames >= p.exitFrames && t - state.falseSince >= p.exitMs) {
          return endActive(state, state.falseSince);
        }
      }
      if (t - state.segStart >= p.maxSegmentMs && state.falseSince === undefined) {
        // Cut here: report [segStart, t) and continue with a fresh segment from t.
        const seg: Segment<S> = { start: state.segStart, end: t, samples: state.samples, first: !state.reported };
        state.segStart = t;
        state.samples = [];
        state.reported = true;
        return [seg];
      }
      return [];
    },
    close(t) {
      if (state.kind !== 'active') {
        state = { kind: 'idle' };
        return [];
      }
      return endActive(state, state.falseSince ?? t);
    },
  };
}
