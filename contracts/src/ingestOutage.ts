// Liveness while the edge cannot write to Kafka. Heartbeats reach the processor's liveness through Kafka, so while the
// Kafka REST proxy is down every candidate looks silent: their heartbeats are answered 503 and never arrive. The edge
// notes the seconds in which its produce path was failing (sustained, not a blip) on its Redis; the liveness sweeper
// reads them and claims a lapse only once the session has been silent for its window of time the edge could write,
// plus a grace for the clients to come back. A silent session is still found: late by the outage, never falsely.

/**
 * The edge's noted failure seconds (a sorted set: member and score are the Unix second), on each edge shard; the
 * sweeper reads the union. One key per shard under its own hash tag, so a Redis Cluster serves it from one slot.
 */
export const produceFailuresKey = (prefix: string) => `${prefix}:{ingest}:produce-failures`;

/**
 * How long noted seconds are kept and read back. An outage longer than this holds back every lapse from before it
 * until it ends (the sweeper sees failures from the horizon's first second on and claims nothing inside it).
 */
export const PRODUCE_FAILURES_HORIZON_MS = 60 * 60 * 1000;

/**
 * The most seconds one note writes: an isolate failing since long ago notes its last ones only (others noted before).
 */
export const PRODUCE_FAILURE_NOTE_MAX_SECONDS = 120;

/** Half-open intervals [from, to) in ms, sorted and disjoint. */
type Intervals = [number, number][];

/** Each failure second s blocks [s, s + 1 s + grace): the outage itself and the clients' way back after it. */
export function blockedIntervals(failureSeconds: readonly number[], graceMs: number): Intervals {
  const out: Intervals = [];
  for (const s of [...failureSeconds].sort((a, b) => a - b)) {
    const from = s * 1000;
    const to = from + 1000 + graceMs;
    const last = out.at(-1);
    if (last && from <= last[1]) last[1] = Math.max(last[1], to);
    else out.push([from, to]);
  }
  return out;
}

function overlap(blocked: Intervals, from: number, to: number): number {
  let n = 0;
  for (const [a, b] of blocked) n += Math.max(0, Math.min(b, to) - Math.max(a, from));
  return n;
}

export interface LapseCutoffInput {
  now: number;
  /** The liveness window a deadline was set with (deadline = last record + window). */
  windowMs: number;
  graceMs: number;
  failureSeconds: readonly number[];
  horizonMs?: number;
}

/**
 * The newest deadline the sweeper may claim at `now`: a deadline D is claimed when D plus the blocked time inside
 * the session's window and after it ([D − window, now]) has passed. Without failures, `now` itself. D ↦ D + blocked
 * time in [D − window, now] never decreases, so the claimable deadlines are a prefix and a binary search finds its
 * end. A failure at the horizon's first second means the outage began before it: everything from there on counts
 * as blocked.
 */
export function lapseCutoff({
  now,
  windowMs,
  graceMs,
  failureSeconds,
  horizonMs = PRODUCE_FAILURES_HORIZON_MS,
}: LapseCutoffInput): number {
  const start = now - horizonMs;
  const seen = failureSeconds.filter((s) => s * 1000 >= start - 1000 && s * 1000 <= now);
  if (!seen.length) return now;
  const blocked = blockedIntervals(seen, graceMs);
  if (Math.min(...seen) * 1000 <= start + 1000) blocked.unshift([Number.NEGATIVE_INFINITY, start + 1000]);
  const claimable = (d: number) => d + overlap(blocked, d - windowMs, now) <= now;
  let lo = start - windowMs;
  if (!claimable(lo)) return lo - 1;
  let hi = now;
  if (claimable(hi)) return hi;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (claimable(mid)) lo = mid;
    else hi = mid;
  }
  return lo;
}
