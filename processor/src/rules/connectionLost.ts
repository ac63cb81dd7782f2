// Connection lost: the session's liveness deadline (last heartbeat or event + N × interval) passed unrenewed.
import { type ExamConfig, livenessWindowMs } from '@proctor/contracts';
import type { AlertDraft } from './types.ts';

/**
 * The alert for a deadline the liveness sweep found expired. The deadline itself is the bucket: the same expiry
 * seen twice (two processors, or a retry) gives the same alert id; a later lapse after a reconnect gives another.
 */
export function connectionLostAlert(deadlineMs: number, config: ExamConfig): AlertDraft {
  const silenceMs = livenessWindowMs(config);
  return {
    rule: 'connection_lost',
    severity: 'medium',
    windowStart: deadlineMs - silenceMs,
    windowEnd: deadlineMs,
    windowBucket: deadlineMs,
    evidence: [],
    confidence: 1,
    explanation:
      `no heartbeat and no event for ${config.connectionLostAfterIntervals} × ` +
      `${config.heartbeatIntervalSeconds} s heartbeat intervals`,
  };
}
