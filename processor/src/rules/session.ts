// A session's whole processing state, and one Kafka record through it: lifecycle, rules and risk. Pure.
import { EXAM_CONFIG_DEFAULTS, type ExamConfig, type ProctorRecord } from '@proctor/contracts';
import { addAlert, decayTo, emptyRisk, type RiskState } from '../risk/riskScore.ts';
import { applyEvent } from './index.ts';
import { type AlertDraft, emptyRuleState, type RuleState } from './types.ts';

export interface SessionState {
  tenantId: string;
  config: ExamConfig;
  /** Whether config came from the session_started record or is contracts' defaults (start not seen). */
  configFromStart: boolean;
  startedAt: number;
  endedAt: number;
  /** Newest edge receivedAt of the session's records. */
  lastSeenAt: number;
  rules: RuleState;
  risk: RiskState;
  lastSnapshot: { bucketStart: number; score: number } | undefined;
  /** Newest connection-lost deadline already folded into risk (the sweep records them beside the state). */
  connectionLostMerged: number;
}

export function newSessionState(tenantId: string): SessionState {
  return {
    tenantId,
    config: { ...EXAM_CONFIG_DEFAULTS },
    configFromStart: false,
    startedAt: 0,
    endedAt: 0,
    lastSeenAt: 0,
    rules: emptyRuleState(),
    risk: emptyRisk(),
    lastSnapshot: undefined,
    connectionLostMerged: 0,
  };
}

export interface RecordResult {
  state: SessionState;
  alerts: AlertDraft[];
  /** Why nothing happened, when nothing did (metrics label). */
  reason: string;
}

/** Folds alerts raised by the event at `at` into risk, then decays it to the session's newest event time. */
export function withAlertRisk(risk: RiskState, alerts: AlertDraft[], at: number, newestTs: number): RiskState {
  return decayTo(
    alerts.reduce((r, a) => addAlert(r, a.rule, a.severity, at), risk),
    newestTs,
  );
}

export function applyRecord(prev: SessionState | undefined, record: ProctorRecord): RecordResult {
  const base = prev ?? newSessionState(record.tenantId);
  const state = { ...base, lastSeenAt: Math.max(base.lastSeenAt, record.receivedAt) };
  switch (record.kind) {
    case 'session_started':
      return {
        state: {
          ...state,
          tenantId: record.tenantId,
          config: record.session.examConfig,
          configFromStart: true,
          startedAt: record.session.startedAt,
        },
        alerts: [],
        reason: 'session_started',
      };
    case 'session_ended':
      return { state: { ...state, endedAt: record.endedAt }, alerts: [], reason: 'session_ended' };
    case 'event': {
      const r = applyEvent(state.rules, record.event, state.config);
      const risk = withAlertRisk(state.risk, r.alerts, record.event.timestamp, r.state.maxEventTs);
      return {
        state: { ...state, rules: r.state, risk },
        alerts: r.alerts,
        reason: r.alerts.length ? 'alerted' : 'applied',
      };
    }
  }
}

/** Folds connection-lost deadlines the liveness sweep recorded since the last merge into the session's risk. */
export function mergeConnectionLost(state: SessionState, deadlines: number[]): SessionState {
  const fresh = deadlines.filter((d) => d > state.connectionLostMerged).sort((a, b) => a - b);
  if (!fresh.length) return state;
  const risk = fresh.reduce((r, d) => addAlert(r, 'connection_lost', 'medium', d), state.risk);
  return { ...state, risk, connectionLostMerged: fresh.at(-1)! };
}
