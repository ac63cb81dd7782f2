// The behaviour mix: who the simulated candidates are and what each one does, as a pure, seeded plan. The runner
// (candidate.ts) only executes plans, so a seed fully determines the workload and its expected result.
import type { AnomalyEvent } from '@proctor/contracts';
import { between, seededRandom, seededUuid, subSeed } from './rng.ts';

/**
 * - honest: short glances away (0.8–2 s, rarely more than 4 s in any 30 s): never an alert.
 * - lookAway: glances plus one burst of long look-aways (2 × 3.5 s within 10 s): a look_away alert.
 * - secondPerson: a second face (MULTI_PERSON, confidence 0.9): a multi_person alert.
 * - cameraBlocked: the camera covered for 4 s (CAMERA_BLOCKED): a camera_blocked alert.
 * - networkDrop: offline for a stretch; events (one a 12 s NO_FACE) queue and are delivered on reconnect.
 * - reload: the page reloads mid-exam; the queue survives (IndexedDB in a browser) and the session re-opens.
 * - tokenRefresh: the first exam token expires mid-exam; the client fetches a new one with the same identity.
 * - neverEnds: never calls sessions/end; it just goes quiet at the end (the processor's sweep notices).
 */
export const BEHAVIOURS = [
  'honest',
  'lookAway',
  'secondPerson',
  'cameraBlocked',
  'networkDrop',
  'reload',
  'tokenRefresh',
  'neverEnds',
] as const;
export type Behaviour = (typeof BEHAVIOURS)[number];

/** Shares of the cohort; they need not sum to 1 (they are normalised). */
const DEFAULT_MIX: Readonly<Record<Behaviour, number>> = {
  honest: 0.6,
  lookAway: 0.1,
  secondPerson: 0.05,
  cameraBlocked: 0.05,
  networkDrop: 0.08,
  reload: 0.05,
  tokenRefresh: 0.04,
  neverEnds: 0.03,
};

/** Behaviours that must produce at least one alert. */
export const ALERTING: ReadonlySet<Behaviour> = new Set(['lookAway', 'secondPerson', 'cameraBlocked', 'networkDrop']);

/** One planned event; `at` is ms after the candidate joined. The runner stamps `timestamp` when it fires. */
interface PlannedEvent {
  at: number;
  eventId: string;
  type: AnomalyEvent['type'];
  confidence: number;
  details: Record<string, unknown>;
}

type PlannedAction =
  | { at: number; kind: 'event'; event: PlannedEvent }
  | { at: number; kind: 'offline'; durationMs: number }
  | { at: number; kind: 'reload' };

export interface CandidatePlan {
  index: number;
  behaviour: Behaviour;
  tenantId: string;
  scheduleId: string;
  userId: string;
  /** When the candidate joins, ms after the cohort starts. */
  joinAt: number;
  /** Actions sorted by `at`. */
  actions: PlannedAction[];
  /** ms after joining when the candidate leaves (the exam's length). */
  leaveAt: number;
  /** Whether it calls sessions/end on leaving; neverEnds just goes quiet. */
  ends: boolean;
  /** How long after joining the first token expires (tokenRefresh only). */
  tokenExpiresAt?: number;
}

export interface PlanOptions {
  candidates: number;
  seed: number;
  /** Exam length per candidate, ms. */
  examMs: number;
  tenants: number;
  schedulesPerTenant: number;
  /** Distinguishes runs with the same seed (session ids come from the identity): part of every user id. */
  runId: string;
  mix?: Partial<Record<Behaviour, number>>;
  /** Joins spread evenly over this long (a real exam's start is not one instant). Default min(60 s, exam/5). */
  joinSpreadMs?: number;
  /** Honest glances per minute, on average. Default 0.7. */
  glancesPerMinute?: number;
  /** When the incident happens, ms after joining: [from, to]. Default 25–55 % of the exam (a load test wants it early). */
  incidentWindowMs?: readonly [number, number];
  /**
   * Measure incidentWindowMs from the cohort's start instead of each candidate's join (clamped to ≥ 1 s after the
   * join): a bench that watches one stretch of time wants every incident inside it, whenever the candidate joined.
   */
  incidentWindowFromStart?: boolean;
  /**
   * How incidents fall in their window. 'random' (default): each candidate's anywhere in it. 'even': the alerting
   * candidates' (ALERTING) evenly spaced over it in plan order, so a cohort raises alerts at a fixed pace (a bench
   * that compares steps wants the same input in each); the other behaviours stay random.
   */
  incidentPace?: 'random' | 'even';
  /**
   * Honest glances are planned only this far after joining (default: the whole exam). A ramp gives its candidates a
   * six-hour exam so that nobody leaves, and stops them minutes in: planning hours of glances up front is seconds of
   * one blocked event loop in the generator (every running candidate stalled with it) and memory for nothing.
   */
  planHorizonMs?: number;
}

/** Exact counts per behaviour (largest remainder), so a 200-candidate mix is the same 200 every time. */
export function behaviourCounts(total: number, mix: Partial<Record<Behaviour, number>> = DEFAULT_MIX) {
  const weights = BEHAVIOURS.map((b) => Math.max(0, mix[b] ?? 0));
  const sum = weights.reduce((a, b) => a + b, 0);
  if (!(sum > 0)) throw new RangeError('the behaviour mix needs at least one positive share');
  const raw = weights.map((w) => (w / sum) * total);
  const counts = raw.map(Math.floor);
  const order = raw.map((r, i) => ({ i, rest: r - Math.floor(r) })).sort((a, b) => b.rest - a.rest || a.i - b.i);
  for (let k = 0; counts.reduce((a, b) => a + b, 0) < total; k++) counts[order[k % order.length]!.i]!++;
  return Object.fromEntries(BEHAVIOURS.map((b, i) => [b, counts[i]!])) as Record<Behaviour, number>;
}

/** Schedule ids; weights fall off (n, n-1, …, 1) so that the first schedule is the busiest. */
function schedules(tenants: number, perTenant: number): Array<{ tenantId: string; scheduleId: string }> {
  const out: Array<{ tenantId: string; scheduleId: string }> = [];
  for (let s = 0; s < perTenant; s++)
    for (let t = 0; t < tenants; t++) out.push({ tenantId: `tenant-${t + 1}`, scheduleId: `exam-${t + 1}-${s + 1}` });
  return out;
}

export function planCohort(o: PlanOptions): CandidatePlan[] {
  if (!(o.candidates >= 0 && Number.isInteger(o.candidates))) throw new RangeError('candidates: a whole number');
  if (!(o.examMs >= 5000)) throw new RangeError('examMs: at least 5000');
  const counts = behaviourCounts(o.candidates, o.mix ?? DEFAULT_MIX);
  const pool = BEHAVIOURS.flatMap((b) => Array<Behaviour>(counts[b]).fill(b));
  const shuffle = seededRandom(subSeed(o.seed, 'shuffle'));
  for (let i = pool.length - 1; i > 0; i--) {
    const j = Math.floor(shuffle() * (i + 1));
    [pool[i], pool[j]] = [pool[j]!, pool[i]!];
  }
  const slots = schedules(o.tenants, o.schedulesPerTenant);
  const weights = slots.map((_, i) => slots.length - i);
  const total = weights.reduce((a, b) => a + b, 0);
  const spread = o.joinSpreadMs ?? Math.min(60_000, o.examMs / 5);
  const alerting = pool.filter((b) => ALERTING.has(b)).length;
  let alertingSoFar = 0;
  return pool.map((behaviour, index) => {
    const random = seededRandom(subSeed(o.seed, 'candidate', index));
    let pick = random() * total;
    let slot = 0;
    while (pick >= weights[slot]! && slot < slots.length - 1) pick -= weights[slot++]!;
    const { tenantId, scheduleId } = slots[slot]!;
    const joinAt = o.candidates > 1 ? Math.round((spread * index) / (o.candidates - 1)) : 0;
    const window = incidentWindow(o, joinAt);
    // Evenly paced: the k-th alerting candidate of M at (k + ½) / M of the window (from the cohort's start when
    // incidentWindowFromStart, so the pace is the cohort's, not each candidate's).
    const share = o.incidentPace === 'even' && ALERTING.has(behaviour) ? (alertingSoFar++ + 0.5) / alerting : undefined;
    return {
      index,
      behaviour,
      tenantId,
      scheduleId,
      userId: `cand-${o.runId}-${index}`,
      joinAt,
      ...behave(behaviour, random, o.examMs, o.glancesPerMinute ?? 0.7, window, share, o.planHorizonMs),
    };
  });
}

function incidentWindow(o: PlanOptions, joinAt: number): readonly [number, number] | undefined {
  const w = o.incidentWindowMs;
  if (!w || !o.incidentWindowFromStart) return w;
  return [Math.max(1000, w[0] - joinAt), Math.max(1000, w[1] - joinAt)];
}

function behave(
  behaviour: Behaviour,
  random: () => number,
  examMs: number,
  glancesPerMinute: number,
  incidentWindow: readonly [number, number] = [examMs * 0.25, examMs * 0.55],
  /** Where in the window the incident sits (0–1); default a random place. */
  share?: number,
  horizonMs = Number.POSITIVE_INFINITY,
): Pick<CandidatePlan, 'actions' | 'leaveAt' | 'ends' | 'tokenExpiresAt'> {
  const ev = (at: number, type: AnomalyEvent['type'], details: Record<string, unknown>, confidence = 0.9) => ({
    at: Math.round(at),
    kind: 'event' as const,
    event: { at: Math.round(at), eventId: seededUuid(random), type, confidence, details },
  });
  const actions: PlannedAction[] = [];
  // Honest glances: at least 16 s apart and at most 2 s each, so no 30 s window holds more than two (4 s).
  const meanGapMs = 60_000 / Math.max(0.01, glancesPerMinute);
  for (
    let at = 2000 + random() * meanGapMs;
    at < Math.min(examMs - 2000, horizonMs);
    at += Math.max(16_000, -Math.log(1 - random()) * meanGapMs)
  ) {
    const direction = (['LEFT', 'RIGHT', 'UP', 'DOWN'] as const)[between(random, 0, 3)];
    actions.push(ev(at, 'LOOK_AWAY', { durationMillis: between(random, 800, 2000), direction }, 0.8));
  }
  // The incident sits somewhere in the middle of the exam, clear of the honest glances' own window.
  const [from, to] = incidentWindow;
  // random() is drawn either way, so a paced plan's events keep the ids the same seed gives unpaced.
  const place = random();
  const incident = from + (share ?? place) * (to - from);
  let ends = true;
  let tokenExpiresAt: number | undefined;
  switch (behaviour) {
    case 'lookAway':
      actions.push(ev(incident, 'LOOK_AWAY', { durationMillis: 3500, direction: 'LEFT' }, 0.9));
      actions.push(ev(incident + 1500, 'LOOK_AWAY', { durationMillis: 3500, direction: 'DOWN' }, 0.9));
      break;
    case 'secondPerson':
      actions.push(ev(incident, 'MULTI_PERSON', { faceCount: 2, durationMillis: 4000 }, 0.9));
      break;
    case 'cameraBlocked':
      actions.push(ev(incident, 'CAMERA_BLOCKED', { durationMillis: 4000, meanLuma: 3 }, 0.95));
      break;
    case 'networkDrop': {
      const durationMs = Math.min(examMs * 0.3, between(random, 20_000, 60_000));
      actions.push({ at: Math.round(incident), kind: 'offline', durationMs: Math.round(durationMs) });
      actions.push(ev(incident + durationMs / 3, 'NO_FACE', { durationMillis: 12_000 }, 0.95));
      actions.push(ev(incident + durationMs / 2, 'LOOK_AWAY', { durationMillis: 1200, direction: 'RIGHT' }, 0.8));
      break;
    }
    case 'reload':
      actions.push({ at: Math.round(incident), kind: 'reload' });
      actions.push(ev(incident + 200, 'NO_FACE', { durationMillis: 2000 }, 0.8));
      break;
    case 'tokenRefresh':
      tokenExpiresAt = Math.round(incident);
      break;
    case 'neverEnds':
      ends = false;
      break;
    case 'honest':
      break;
  }
  actions.sort((a, b) => a.at - b.at);
  return { actions, leaveAt: examMs, ends, ...(tokenExpiresAt === undefined ? {} : { tokenExpiresAt }) };
}

/** What a fault-free run must deliver: every planned event of every candidate, keyed by the plan's index. */
export function plannedEventIds(plan: CandidatePlan): string[] {
  return plan.actions.flatMap((a) => (a.kind === 'event' ? [a.event.eventId] : []));
}
