// npm start's cohort options: flags win over env, defaults are the documented ones, bad values are refused.
import { describe, expect, it } from 'vitest';
import { busiestOf, cohortOptions } from './startCohort.ts';

describe('cohortOptions', () => {
  it('defaults to 200 candidates, 10 minutes, two tenants of two schedules', () => {
    expect(cohortOptions([], { COHORT_RUN_ID: 'r' })).toEqual({
      enabled: true,
      check: false,
      candidates: 200,
      examMinutes: 10,
      tenants: 2,
      schedulesPerTenant: 2,
      seed: 1,
      runId: 'r',
    });
  });
  it('reads env, and flags over env; --no-cohort or COHORT=0 turns it off', () => {
    const o = cohortOptions(['--candidates', '50', '--seed', '9'], { COHORT_CANDIDATES: '70', COHORT_TENANTS: '3' });
    expect(o).toMatchObject({ candidates: 50, seed: 9, tenants: 3, enabled: true });
    expect(cohortOptions(['--no-cohort'], {}).enabled).toBe(false);
    expect(cohortOptions([], { COHORT: '0' }).enabled).toBe(false);
  });
  it('--check runs a short exam even where the environment turns the cohort off', () => {
    expect(cohortOptions(['--check'], { COHORT: '0' })).toMatchObject({
      enabled: true,
      check: true,
      candidates: 40,
      examMinutes: 2,
    });
    expect(cohortOptions(['--check', '--candidates', '10'], {}).candidates).toBe(10);
    expect(() => cohortOptions(['--check', '--no-cohort'], {})).toThrow(/cannot go with --no-cohort/);
  });
  it('refuses a count that is not positive', () => {
    expect(() => cohortOptions(['--candidates=0'], {})).toThrow(/candidates must be a positive number/);
  });
  it('names the busiest schedule of the plan for the proctor sign-in', () => {
    const b = busiestOf(cohortOptions([], { COHORT_RUN_ID: 'r' }));
    expect(b).toMatchObject({ tenantId: 'tenant-1', scheduleId: 'exam-1-1' });
    expect(b.count).toBeGreaterThan(200 / 4);
  });
});
