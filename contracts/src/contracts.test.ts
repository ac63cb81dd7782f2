// The contract schemas accept good input, reject malformed input with messages that say how to fix it.
import { describe, expect, it } from 'vitest';
import {
  AnomalyEvent,
  deriveAlertId,
  deriveSessionId,
  ERROR_STATUS,
  EVENT_LIMITS,
  EventBatchBody,
  ExamConfig,
  ExamTokenClaims,
  ProctorRecord,
  resolveExamConfig,
  SessionStartBody,
  statusOf,
  timestampVerdict,
} from './index.ts';

const identity = { tenant_id: 't1', exam_schedule_id: 's1', user_id: 'u1', attempt_no: 1 };
const now = Date.UTC(2026, 10, 25, 12);
const event = {
  eventId: '0b7e5d4c-1f2a-4b3c-8d9e-0a1b2c3d4e5f',
  type: 'LOOK_AWAY',
  timestamp: now,
  confidence: 0.9,
  details: { durationMillis: 3000, direction: 'LEFT' },
};

function messages(result: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } }) {
  expect(result.success).toBe(false);
  return (result.error?.issues ?? []).map((i) => `${i.path.join('.')}: ${i.message}`);
}

describe('session id', () => {
  it('is deterministic and 64 hex chars', async () => {
    const a = await deriveSessionId(identity);
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(await deriveSessionId({ ...identity })).toBe(a);
  });

  it('changes with every identity claim', async () => {
    const base = await deriveSessionId(identity);
    const variants = [
      { ...identity, tenant_id: 't2' },
      { ...identity, exam_schedule_id: 's2' },
      { ...identity, user_id: 'u2' },
      { ...identity, attempt_no: 2 },
    ];
    const ids = await Promise.all(variants.map(deriveSessionId));
    expect(new Set([base, ...ids]).size).toBe(5);
  });

  it('has no concatenation ambiguity between fields', async () => {
    const a = await deriveSessionId({ ...identity, tenant_id: 'ab', exam_schedule_id: 'c' });
    const b = await deriveSessionId({ ...identity, tenant_id: 'a', exam_schedule_id: 'bc' });
    expect(a).not.toBe(b);
  });

  it('matches a known vector so the derivation never drifts silently', async () => {
    const { createHash } = await import('node:crypto');
    const expected = createHash('sha256').update('proctor.session.v1["t1","s1","u1",1]').digest('hex');
    expect(await deriveSessionId(identity)).toBe(expected);
  });
});

describe('exam token claims', () => {
  it('accepts the required claims', () => {
    expect(ExamTokenClaims.parse({ ...identity, exp: 2_000_000_000 })).toMatchObject(identity);
  });
  it('rejects attempt_no sent as a string, naming the claim', () => {
    const m = messages(ExamTokenClaims.safeParse({ ...identity, attempt_no: '1', exp: 2_000_000_000 }));
    expect(m.join()).toMatch(/^attempt_no: .*number/);
  });
  it('takes an optional platform-signed proctoring claim, bounds-checked', () => {
    const signed = { ...identity, exp: 2_000_000_000, proctoring: { examConfig: { maxLookAwaySeconds: 8 } } };
    expect(ExamTokenClaims.parse(signed).proctoring?.examConfig?.maxLookAwaySeconds).toBe(8);
    const m = messages(ExamTokenClaims.safeParse({ ...signed, proctoring: { examConfig: { maxLookAwaySeconds: 0 } } }));
    expect(m.join()).toMatch(/^proctoring\.examConfig\.maxLookAwaySeconds:/);
  });
  it('requires exp', () => {
    expect(messages(ExamTokenClaims.safeParse(identity)).join()).toMatch(/^exp:/);
  });
  it('rejects ids that would be unsafe in keys', () => {
    const m = messages(ExamTokenClaims.safeParse({ ...identity, tenant_id: 't1 {x}', exp: 2_000_000_000 }));
    expect(m.join()).toMatch(/tenant_id: must be 1–128 characters/);
  });
});

describe('exam config', () => {
  it('fills documented defaults', () => {
    expect(ExamConfig.parse({})).toMatchObject({ maxLookAwaySeconds: 5, maxLookAwayWindowSeconds: 30 });
  });
  it('enforces bounds and cross-field rules', () => {
    expect(messages(ExamConfig.safeParse({ maxLookAwaySeconds: 0 })).join()).toMatch(/maxLookAwaySeconds/);
    expect(messages(ExamConfig.safeParse({ maxLookAwaySeconds: 40 })).join()).toMatch(
      /must not exceed maxLookAwayWindowSeconds/,
    );
    expect(messages(ExamConfig.safeParse({ bogus: 1 })).join()).toMatch(/bogus/);
  });
  it('lets accommodations override thresholds and re-checks the result', () => {
    const c = resolveExamConfig({ maxLookAwaySeconds: 5 }, { reason: 'ADHD', overrides: { maxLookAwaySeconds: 12 } });
    expect(c.maxLookAwaySeconds).toBe(12);
    expect(c.noFaceMaxSeconds).toBe(10);
    expect(() => resolveExamConfig({}, { overrides: { maxLookAwaySeconds: 31 } })).toThrow(/must not exceed/);
  });
  it('start body takes a partial config and refuses unknown keys', () => {
    expect(SessionStartBody.parse({ examConfig: { noFaceMaxSeconds: 20 } }).examConfig).toEqual({
      noFaceMaxSeconds: 20,
    });
    expect(messages(SessionStartBody.safeParse({ tenant_id: 'other' })).join()).toMatch(/tenant_id/);
  });
});

describe('events', () => {
  it('accepts a typed event and types details by type', () => {
    const parsed = AnomalyEvent.parse(event);
    expect(parsed.type === 'LOOK_AWAY' && parsed.details.direction).toBe('LEFT');
  });
  it('rejects details of another type', () => {
    const m = messages(AnomalyEvent.safeParse({ ...event, details: { faceCount: 3 } }));
    expect(m.join()).toMatch(/details/);
  });
  it('rejects confidence outside [0,1], bad ids and second timestamps', () => {
    expect(messages(AnomalyEvent.safeParse({ ...event, confidence: 1.5 })).join()).toMatch(/confidence/);
    expect(messages(AnomalyEvent.safeParse({ ...event, eventId: 'a b' })).join()).toMatch(/eventId: must be/);
    expect(messages(AnomalyEvent.safeParse({ ...event, timestamp: 1_764_000_000 })).join()).toMatch(/seconds/);
  });
  it('checks timestamp skew both ways', () => {
    expect(timestampVerdict(now, now)).toBe('ok');
    expect(timestampVerdict(now + EVENT_LIMITS.maxFutureSkewMs, now)).toBe('ok');
    expect(timestampVerdict(now - EVENT_LIMITS.maxEventAgeMs, now)).toBe('ok');
    expect(timestampVerdict(now + EVENT_LIMITS.maxFutureSkewMs + 1, now)).toBe('future');
    expect(timestampVerdict(now - EVENT_LIMITS.maxEventAgeMs - 1, now)).toBe('too_old');
  });
  it('caps a batch at the documented size', () => {
    const sessionId = 'a'.repeat(64);
    expect(EventBatchBody.safeParse({ sessionId, events: [event] }).success).toBe(true);
    const tooMany = Array.from({ length: EVENT_LIMITS.maxEventsPerBatch + 1 }, () => event);
    expect(messages(EventBatchBody.safeParse({ sessionId, events: tooMany })).join()).toMatch(/events/);
    expect(messages(EventBatchBody.safeParse({ sessionId, events: [] })).join()).toMatch(/events/);
  });
});

describe('kafka records', () => {
  it('parses each kind by its discriminator', async () => {
    const sessionId = await deriveSessionId(identity);
    const rec = ProctorRecord.parse({
      schemaVersion: 1,
      kind: 'event',
      tenantId: 't1',
      sessionId,
      receivedAt: now,
      event,
    });
    expect(rec.kind).toBe('event');
    expect(ProctorRecord.safeParse({ ...rec, schemaVersion: 2 }).success).toBe(false);
  });
});

describe('errors and alerts', () => {
  it('maps each code to one status', () => {
    expect(statusOf('SESSION_MISMATCH')).toBe(403);
    expect(statusOf('RATE_LIMITED')).toBe(429);
    for (const status of Object.values(ERROR_STATUS)) expect(status).toBeGreaterThanOrEqual(400);
  });
  it('derives one alert id per session, rule and window bucket', async () => {
    const a = await deriveAlertId('a'.repeat(64), 'look_away', 42);
    expect(await deriveAlertId('a'.repeat(64), 'look_away', 42)).toBe(a);
    expect(await deriveAlertId('a'.repeat(64), 'look_away', 43)).not.toBe(a);
    expect(await deriveAlertId('a'.repeat(64), 'no_face', 42)).not.toBe(a);
  });
});
