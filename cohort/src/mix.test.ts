// The behaviour mix and seeding: exact shares, repeatable plans, and plans that do what each behaviour promises.
import { describe, expect, it } from 'vitest';
import { ALERTING, BEHAVIOURS, behaviourCounts, type CandidatePlan, planCohort, plannedEventIds } from './mix.ts';
import { seededRandom, seededUuid } from './rng.ts';

const base = { candidates: 200, seed: 7, examMs: 10 * 60_000, tenants: 2, schedulesPerTenant: 2, runId: 'r1' };

/** Largest look-away total inside any 30 s window of a plan (the default look-away rule). */
function worstLookAwayWindow(plan: CandidatePlan): number {
  const looks = plan.actions.flatMap((a) =>
    a.kind === 'event' && a.event.type === 'LOOK_AWAY'
      ? [{ at: a.at, ms: Number(a.event.details.durationMillis) }]
      : [],
  );
  let worst = 0;
  for (const l of looks) {
    const inWindow = looks.filter((o) => o.at >= l.at - 30_000 && o.at <= l.at);
    worst = Math.max(
      worst,
      inWindow.reduce((s, o) => s + o.ms, 0),
    );
  }
  return worst;
}

describe('behaviourCounts', () => {
  it('splits a cohort exactly by the mix, the remainders going to the largest fractions', () => {
    const c = behaviourCounts(200);
    expect(Object.values(c).reduce((a, b) => a + b, 0)).toBe(200);
    expect(c).toMatchObject({ honest: 120, lookAway: 20, secondPerson: 10, cameraBlocked: 10, networkDrop: 16 });
    expect(behaviourCounts(3, { honest: 1, neverEnds: 1 })).toEqual(
      expect.objectContaining({ honest: 2, neverEnds: 1, lookAway: 0 }),
    );
  });
  it('refuses a mix with nothing in it', () => {
    expect(() => behaviourCounts(10, { honest: 0 })).toThrow(RangeError);
  });
});

describe('planCohort', () => {
  it('is a pure function of the seed: same seed, same plans; another seed, other plans', () => {
    expect(planCohort(base)).toEqual(planCohort(base));
    const other = planCohort({ ...base, seed: 8 });
    expect(other.map((p) => p.behaviour)).not.toEqual(planCohort(base).map((p) => p.behaviour));
  });

  it('gives every candidate a distinct identity and globally unique event ids', () => {
    const plans = planCohort(base);
    expect(new Set(plans.map((p) => p.userId)).size).toBe(200);
    const ids = plans.flatMap(plannedEventIds);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('spreads candidates over both tenants and every schedule, the first schedule the busiest', () => {
    const plans = planCohort(base);
    const per = new Map<string, number>();
    for (const p of plans) per.set(p.scheduleId, (per.get(p.scheduleId) ?? 0) + 1);
    expect(new Set(plans.map((p) => p.tenantId))).toEqual(new Set(['tenant-1', 'tenant-2']));
    expect(per.size).toBe(4);
    const busiest = [...per].sort((a, b) => b[1] - a[1])[0]![0];
    expect(busiest).toBe('exam-1-1');
  });

  it('keeps honest candidates under the look-away limit and gives each behaviour its incident', () => {
    const plans = planCohort({ ...base, candidates: 400 });
    for (const b of BEHAVIOURS) expect(plans.some((p) => p.behaviour === b)).toBe(true);
    for (const p of plans) {
      const types = p.actions.map((a) => (a.kind === 'event' ? a.event.type : a.kind));
      if (p.behaviour === 'honest') {
        expect(worstLookAwayWindow(p)).toBeLessThanOrEqual(4000);
        expect(types.every((t) => t === 'LOOK_AWAY')).toBe(true);
      }
      if (p.behaviour === 'lookAway') expect(worstLookAwayWindow(p)).toBeGreaterThan(5000);
      if (p.behaviour === 'secondPerson') expect(types).toContain('MULTI_PERSON');
      if (p.behaviour === 'cameraBlocked') expect(types).toContain('CAMERA_BLOCKED');
      if (p.behaviour === 'networkDrop') {
        const off = p.actions.find((a) => a.kind === 'offline')!;
        const noFace = p.actions.find((a) => a.kind === 'event' && a.event.type === 'NO_FACE')!;
        expect(off.kind === 'offline' && noFace.at > off.at && noFace.at < off.at + off.durationMs).toBe(true);
      }
      if (p.behaviour === 'reload') expect(types).toContain('reload');
      expect(p.tokenExpiresAt !== undefined).toBe(p.behaviour === 'tokenRefresh');
      expect(p.ends).toBe(p.behaviour !== 'neverEnds');
      expect(p.actions.every((a, i) => i === 0 || a.at >= p.actions[i - 1]!.at)).toBe(true);
      expect(p.actions.every((a) => a.at < p.leaveAt)).toBe(true);
    }
  });

  it('spreads joins over the join window', () => {
    const plans = planCohort({ ...base, joinSpreadMs: 10_000 });
    expect(plans[0]!.joinAt).toBe(0);
    expect(plans.at(-1)!.joinAt).toBe(10_000);
  });

  it('puts every incident inside one stretch of the run when the window is measured from the start', () => {
    const window = [60_000, 90_000] as const;
    const fromJoin = planCohort({ ...base, joinSpreadMs: 50_000, incidentWindowMs: window });
    const fromStart = planCohort({
      ...base,
      joinSpreadMs: 50_000,
      incidentWindowMs: window,
      incidentWindowFromStart: true,
    });
    const alerting = (plans: CandidatePlan[]) => plans.filter((p) => p.behaviour === 'secondPerson');
    const multiAt = (p: CandidatePlan) =>
      p.joinAt + p.actions.find((a) => a.kind === 'event' && a.event.type === 'MULTI_PERSON')!.at;
    for (const p of alerting(fromStart)) {
      expect(multiAt(p)).toBeGreaterThanOrEqual(window[0]);
      expect(multiAt(p)).toBeLessThanOrEqual(window[1]);
    }
    // Measured from each join (the default), late joiners' incidents fall after the stretch.
    expect(alerting(fromJoin).some((p) => multiAt(p) > window[1])).toBe(true);
  });

  it("paces the alerting incidents evenly over the window with incidentPace even, keeping the seed's event ids", () => {
    const window = [60_000, 120_000] as const;
    const o = { ...base, joinSpreadMs: 50_000, incidentWindowMs: window, incidentWindowFromStart: true };
    /** When each alerting candidate's incident starts, ms after the cohort's start, in time order. */
    const incidents = (plans: CandidatePlan[]) =>
      plans
        .filter((p) => ALERTING.has(p.behaviour))
        .map((p) => {
          const first = p.actions.find(
            (a) =>
              a.kind === 'offline' ||
              (a.kind === 'event' && (a.event.type !== 'LOOK_AWAY' || a.event.details.durationMillis === 3500)),
          )!;
          return p.joinAt + first.at;
        })
        .sort((a, b) => a - b);
    const gaps = (ts: number[]) => ts.slice(1).map((t, i) => t - ts[i]!);
    const paced = incidents(planCohort({ ...o, incidentPace: 'even' }));
    const step = (window[1] - window[0]) / paced.length;
    expect(paced.length).toBe(56);
    expect(paced[0]).toBeCloseTo(window[0] + step / 2, -1);
    for (const g of gaps(paced)) expect(Math.abs(g - step)).toBeLessThanOrEqual(2);
    // Random (the default): the same window, but gaps from nothing to several steps.
    expect(Math.max(...gaps(incidents(planCohort(o))))).toBeGreaterThan(3 * step);
    const ids = (plans: CandidatePlan[]) => plans.flatMap(plannedEventIds).sort();
    expect(ids(planCohort({ ...o, incidentPace: 'even' }))).toEqual(ids(planCohort(o)));
  });
});

describe('planHorizonMs', () => {
  it('plans honest glances only up to the horizon, the incidents as before', () => {
    const o = { ...base, examMs: 6 * 3600_000, joinSpreadMs: 10_000, incidentWindowMs: [20_000, 40_000] as const };
    const glances = (p: CandidatePlan) =>
      p.actions.filter(
        (a) => a.kind === 'event' && a.event.type === 'LOOK_AWAY' && a.event.details.durationMillis !== 3500,
      );
    const full = planCohort(o);
    const short = planCohort({ ...o, planHorizonMs: 120_000 });
    expect(Math.max(...full.flatMap(glances).map((a) => a.at))).toBeGreaterThan(5 * 3600_000);
    expect(Math.max(...short.flatMap(glances).map((a) => a.at))).toBeLessThan(120_000);
    expect(short.flatMap(glances).length * 50).toBeLessThan(full.flatMap(glances).length);
    // Every candidate still has its incident, and still stays for the whole exam.
    const incidents = (plans: CandidatePlan[]) =>
      plans.map((p) => p.actions.filter((a) => !glances(p).includes(a)).map((a) => a.kind)).flat().length;
    expect(incidents(short)).toBe(incidents(full));
    expect(short.every((p) => p.leaveAt === 6 * 3600_000)).toBe(true);
  });
});

describe('seeded helpers', () => {
  it('repeat per seed', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    expect([a(), a(), a()]).toEqual([b(), b(), b()]);
    expect(seededUuid(seededRandom(1))).toBe(seededUuid(seededRandom(1)));
    expect(seededUuid(seededRandom(1))).not.toBe(seededUuid(seededRandom(2)));
  });

  it('draw version-4-shaped UUIDs, distinct within a stream', () => {
    const random = seededRandom(7);
    const ids = Array.from({ length: 2000 }, () => seededUuid(random));
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
