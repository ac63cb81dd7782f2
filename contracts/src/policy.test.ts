// resolveSessionConfig: claim > schedule > tenant > defaults, accommodations on top, the body may only tighten.
import { describe, expect, it } from 'vitest';
import {
  EXAM_CONFIG_DEFAULTS,
  isAtLeastAsStrict,
  PolicySchema,
  type PublishedPolicy,
  resolveSessionConfig,
  SchedulePolicySchema,
  STRICTER,
  schedulePolicyKey,
  tenantPolicyKey,
} from './index.ts';

const tenant = (policy: PublishedPolicy['policy'], version = 1): PublishedPolicy => ({ version, policy });

function resolved(inputs: Parameters<typeof resolveSessionConfig>[0]) {
  const out = resolveSessionConfig(inputs);
  if (!out.ok) throw new Error(`refused: ${out.code} ${out.field}`);
  return out.config;
}

describe('policy schema', () => {
  it('parses an empty policy as "inherit everything"', () => {
    expect(PolicySchema.parse({})).toEqual({});
  });
  it('fills the opt-ins with their documented defaults when given', () => {
    const p = PolicySchema.parse({ thumbnails: {}, browserSignals: {} });
    expect(p.thumbnails).toEqual({
      enabled: false,
      types: ['MULTI_PERSON', 'NO_FACE', 'CAMERA_BLOCKED'],
      maxPerHour: 6,
    });
    expect(p.browserSignals).toEqual({ enabled: false, requireFullscreen: false });
  });
  it('refuses two accommodations for one user, an empty reason and unknown fields', () => {
    const acc = { userId: 'u1', reason: 'medical', thresholds: {} };
    expect(PolicySchema.safeParse({ accommodations: [acc, acc] }).success).toBe(false);
    expect(PolicySchema.safeParse({ accommodations: [{ ...acc, reason: ' ' }] }).success).toBe(false);
    expect(PolicySchema.safeParse({ retention: 5 }).success).toBe(false);
  });
  it('keeps retention a tenant decision', () => {
    expect(PolicySchema.safeParse({ retentionDays: 7 }).success).toBe(true);
    expect(SchedulePolicySchema.safeParse({ retentionDays: 7 }).success).toBe(false);
  });
  it('keys a tenant and its schedules into one hash slot', () => {
    const slot = (k: string) => k.slice(k.indexOf('{'), k.indexOf('}') + 1);
    expect(slot(tenantPolicyKey('t1'))).toBe(slot(schedulePolicyKey('t1', 's1')));
    expect(slot(tenantPolicyKey('t1'))).not.toBe(slot(tenantPolicyKey('t2')));
  });
});

describe('resolveSessionConfig', () => {
  it('uses the defaults when nothing is set, with opt-ins off', () => {
    const c = resolved({ userId: 'u1' });
    expect(c.examConfig).toEqual(EXAM_CONFIG_DEFAULTS);
    expect(c.thumbnails.enabled).toBe(false);
    expect(c.browserSignals.enabled).toBe(false);
    expect(c.accommodation).toBeUndefined();
    expect(c.policyVersions).toEqual({});
  });

  it('takes claim over schedule over tenant over defaults, per threshold', () => {
    const c = resolved({
      userId: 'u1',
      tenant: tenant({ thresholds: { maxLookAwaySeconds: 9, noFaceMaxSeconds: 20, multiPersonMinConfidence: 0.7 } }, 3),
      schedule: tenant({ thresholds: { maxLookAwaySeconds: 8, noFaceMaxSeconds: 15 } }, 5),
      claim: { examConfig: { maxLookAwaySeconds: 7 } },
    });
    expect(c.examConfig.maxLookAwaySeconds).toBe(7);
    expect(c.examConfig.noFaceMaxSeconds).toBe(15);
    expect(c.examConfig.multiPersonMinConfidence).toBe(0.7);
    expect(c.examConfig.heartbeatIntervalSeconds).toBe(EXAM_CONFIG_DEFAULTS.heartbeatIntervalSeconds);
    expect(c.policyVersions).toEqual({ tenant: 3, schedule: 5 });
  });

  it("takes the opt-ins from the schedule, else the tenant, and a schedule's silence keeps the tenant's", () => {
    const t = tenant({ thumbnails: { enabled: true, types: ['NO_FACE'], maxPerHour: 2 } });
    expect(resolved({ userId: 'u1', tenant: t, schedule: tenant({}) }).thumbnails.enabled).toBe(true);
    const s = tenant({
      thumbnails: { enabled: false, types: [], maxPerHour: 0 },
      browserSignals: { enabled: true, requireFullscreen: true },
    });
    const c = resolved({ userId: 'u1', tenant: t, schedule: s });
    expect(c.thumbnails.enabled).toBe(false);
    expect(c.browserSignals).toEqual({ enabled: true, requireFullscreen: true });
  });

  it("applies this user's accommodation from the most specific layer, with its reason", () => {
    const t = tenant({ accommodations: [{ userId: 'u1', reason: 'tenant', thresholds: { noFaceMaxSeconds: 30 } }] });
    const s = tenant({
      accommodations: [
        { userId: 'u1', reason: 'extra time to look at notes', thresholds: { maxLookAwaySeconds: 20 } },
        { userId: 'u2', reason: 'other', thresholds: { maxLookAwaySeconds: 25 } },
      ],
    });
    const c = resolved({ userId: 'u1', tenant: t, schedule: s });
    expect(c.accommodation).toEqual({
      source: 'schedule',
      reason: 'extra time to look at notes',
      thresholds: { maxLookAwaySeconds: 20 },
    });
    expect(c.examConfig.maxLookAwaySeconds).toBe(20);
    expect(c.examConfig.noFaceMaxSeconds).toBe(EXAM_CONFIG_DEFAULTS.noFaceMaxSeconds);
    expect(resolved({ userId: 'u3', tenant: t, schedule: s }).accommodation).toBeUndefined();
    const claimed = resolved({
      userId: 'u1',
      schedule: s,
      claim: { accommodations: { reason: 'signed', overrides: { maxLookAwaySeconds: 12 } } },
    });
    expect(claimed.accommodation?.source).toBe('claim');
    expect(claimed.examConfig.maxLookAwaySeconds).toBe(12);
  });

  it('keeps a body that only tightens, and lists what it tightened', () => {
    const c = resolved({
      userId: 'u1',
      tenant: tenant({ thresholds: { maxLookAwaySeconds: 8 } }),
      body: { examConfig: { maxLookAwaySeconds: 3, maxLookAwayWindowSeconds: 60, multiPersonMinConfidence: 0.8 } },
    });
    expect(c.examConfig.maxLookAwaySeconds).toBe(3);
    expect(c.examConfig.maxLookAwayWindowSeconds).toBe(60);
    expect(c.tightenedByBody).toEqual(['maxLookAwaySeconds', 'maxLookAwayWindowSeconds']);
  });

  it.each([
    ['maxLookAwaySeconds', 600],
    ['maxLookAwayWindowSeconds', 10],
    ['multiPersonMinConfidence', 1],
    ['noFaceMaxSeconds', 11],
    ['noFaceWindowSeconds', 30],
    ['heartbeatIntervalSeconds', 60],
    ['connectionLostAfterIntervals', 10],
  ] as const)('refuses a body that loosens %s, naming the field', (name, value) => {
    const out = resolveSessionConfig({ userId: 'u1', body: { examConfig: { [name]: value } } });
    expect(out).toMatchObject({ ok: false, code: 'EXAM_CONFIG_LOOSENED', field: `examConfig.${name}` });
  });

  it('refuses loosening past an accommodation or a claim too', () => {
    const out = resolveSessionConfig({
      userId: 'u1',
      claim: { examConfig: { maxLookAwaySeconds: 4 } },
      body: { examConfig: { maxLookAwaySeconds: 5 } },
    });
    expect(out).toMatchObject({ ok: false, code: 'EXAM_CONFIG_LOOSENED', details: { limit: 4, requested: 5 } });
  });

  it('never takes an accommodation from the body', () => {
    const out = resolveSessionConfig({
      userId: 'u1',
      body: { accommodations: { reason: 'self-granted', overrides: { maxLookAwaySeconds: 600 } } },
    });
    expect(out).toMatchObject({ ok: false, code: 'ACCOMMODATION_NOT_ALLOWED', field: 'accommodations' });
  });

  it('refuses policy layers whose thresholds do not combine, naming the field', () => {
    const out = resolveSessionConfig({
      userId: 'u1',
      tenant: tenant({ thresholds: { maxLookAwayWindowSeconds: 10 } }),
      schedule: tenant({ thresholds: { maxLookAwaySeconds: 20 } }),
    });
    expect(out).toMatchObject({ ok: false, code: 'VALIDATION_FAILED', field: 'maxLookAwaySeconds' });
  });

  it('has a direction for every threshold', () => {
    expect(Object.keys(STRICTER).sort()).toEqual(Object.keys(EXAM_CONFIG_DEFAULTS).sort());
    expect(isAtLeastAsStrict('maxLookAwaySeconds', 4, 5)).toBe(true);
    expect(isAtLeastAsStrict('noFaceWindowSeconds', 30, 60)).toBe(false);
  });
});
