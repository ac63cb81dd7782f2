// What the library tells its host about itself, through onStatus: enough for a clear candidate-facing UI.
import type { AnomalyEvent } from '@proctor/contracts';
import type { BackendAttempt, BackendName } from './detector/protocol.ts';
import type { ConnectionState } from './transport/eventSender.ts';

export interface ProctoringStatus {
  phase: 'starting' | 'calibrating' | 'running' | 'stopped' | 'failed';
  camera: 'pending' | 'on' | 'lost' | 'denied';
  detector: 'loading' | 'ready' | 'failed';
  backend?: BackendName;
  backendAttempts?: BackendAttempt[];
  /** Where inference runs: a Web Worker, or the main thread where workers cannot take frames. */
  inferenceThread?: 'worker' | 'main';
  /** Median inference time of recent frames, ms, to the nearest 10. */
  inferenceMs?: number;
  /** Neutral-pose calibration progress in [0, 1]. */
  calibration: number;
  /** Faces in the latest analysed frame (at the presence threshold). */
  faces: number;
  /**
   * The room's light in the latest analysed frame: 'dim' under LOW_LIGHT's line, for the host to tell the candidate at
   * once (a face missed in a dim room must never be news to them only in the proctor's alert).
   */
  light?: 'ok' | 'dim';
  /** Identity continuity: off (and why), calibrating, or checking; with the number of comparisons made (no values). */
  identity?: { state: 'off' | 'calibrating' | 'checking'; checks: number; reason?: string };
  connection: ConnectionState | 'connecting';
  sessionId?: string;
  /** Events waiting in the offline queue. */
  queued: number;
  delivered: number;
  lastEvent?: Pick<AnomalyEvent, 'type' | 'timestamp'>;
  error?: string;
}

export interface StatusStore {
  /** A copy of the current status. */
  readonly current: ProctoringStatus;
  /** Merges a patch and tells the host (a copy, so the host cannot change ours). */
  update(patch: Partial<ProctoringStatus>): void;
  /** Marks the start as failed and throws: for what the library cannot go on without. */
  fail(error: string): never;
}

export function createStatusStore(onStatus?: (status: ProctoringStatus) => void): StatusStore {
  const status: ProctoringStatus = {
    phase: 'starting',
    camera: 'pending',
    detector: 'loading',
    calibration: 0,
    faces: 0,
    connection: 'connecting',
    queued: 0,
    delivered: 0,
  };
  // The host hears of a change only: each analysed frame patches the status, mostly with what it already says, and
  // a host that re-renders its page on every call would repaint for nothing (values are plain data, so JSON compares).
  const update = (patch: Partial<ProctoringStatus>) => {
    const changed = Object.entries(patch).some(
      ([k, v]) => JSON.stringify(v) !== JSON.stringify(status[k as keyof ProctoringStatus]),
    );
    Object.assign(status, patch);
    if (changed) onStatus?.({ ...status });
  };
  return {
    get current() {
      return { ...status };
    },
    update,
    fail(error) {
      update({ phase: 'failed', error });
      throw new Error(error);
    },
  };
}
