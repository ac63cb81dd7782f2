// Alerts the processor raises, the risk it scores, and the deterministic alert id that makes redelivery harmless.
import { z } from 'zod';
import { EpochMillis, EventId, ExternalId, Sha256Hex, sha256Hex } from './ids.ts';
import { SessionId } from './session.ts';

export const ALERT_RULES = [
  'look_away',
  'multi_person',
  'no_face',
  'camera_blocked',
  'camera_lost',
  'connection_lost',
  // On-device checks; last, so positional encodings of the rules above keep their places.
  'identity_changed',
  'focus_lost',
  'fullscreen_exit',
  'second_display',
  'clipboard',
  'low_light',
] as const;
export const AlertRule = z.enum(ALERT_RULES);
export type AlertRule = z.infer<typeof AlertRule>;

export const Severity = z.enum(['low', 'medium', 'high', 'critical']);
export type Severity = z.infer<typeof Severity>;

/** Risk points an alert of each severity adds before decay; the score is capped at 100. */
export const SEVERITY_POINTS: Record<Severity, number> = { low: 10, medium: 25, high: 45, critical: 70 };

/**
 * Rules that describe the candidate's environment, not their conduct (a dim room). Their alerts are shown as a
 * condition and add no risk points, so poor light is never scored as cheating.
 */
export const CONDITION_RULES: ReadonlySet<AlertRule> = new Set<AlertRule>(['low_light']);

export const AlertStatus = z.enum(['open', 'acknowledged', 'dismissed']);
export type AlertStatus = z.infer<typeof AlertStatus>;

/** One event that caused an alert, with the confidence the detector gave it. */
export const Evidence = z.object({
  eventId: EventId,
  timestamp: EpochMillis,
  confidence: z.number().min(0).max(1),
  durationMillis: z.number().int().nonnegative().optional(),
});
export type Evidence = z.infer<typeof Evidence>;

export const Alert = z.object({
  alertId: Sha256Hex,
  tenantId: ExternalId,
  sessionId: SessionId,
  rule: AlertRule,
  severity: Severity,
  /** The event-time window the rule looked at. */
  windowStart: EpochMillis,
  windowEnd: EpochMillis,
  evidence: z.array(Evidence).max(100),
  /** Aggregate confidence (the evidence's, weighted by duration where it has one). */
  confidence: z.number().min(0).max(1),
  /** Why, in words a proctor reads: "7.5 s looking away within 30 s (limit 5 s)". */
  explanation: z.string().max(500),
  status: AlertStatus,
  createdAt: EpochMillis,
});
export type Alert = z.infer<typeof Alert>;

/**
 * alertId = hex(SHA-256("proctor.alert.v1" ‖ JSON([sessionId, rule, windowBucket]))).
 * The same session, rule and window bucket always give the same id, so a redelivered batch upserts the alert
 * it already wrote instead of adding a second one.
 */
export function deriveAlertId(sessionId: string, rule: AlertRule, windowBucket: number): Promise<string> {
  return sha256Hex(`proctor.alert.v1${JSON.stringify([sessionId, rule, windowBucket])}`);
}

/** One line of a score's explanation: which rule added how many (decayed) points. */
export const RiskContribution = z.object({
  rule: AlertRule,
  points: z.number().min(0),
  alertId: Sha256Hex.optional(),
});
export type RiskContribution = z.infer<typeof RiskContribution>;

export const RiskSnapshot = z.object({
  tenantId: ExternalId,
  sessionId: SessionId,
  /** Start of the snapshot's time bucket, epoch ms; (sessionId, bucketStart) is the key. */
  bucketStart: EpochMillis,
  score: z.number().min(0).max(100),
  contributions: z.array(RiskContribution),
  createdAt: EpochMillis,
});
export type RiskSnapshot = z.infer<typeof RiskSnapshot>;
