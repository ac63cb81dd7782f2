// Event-time sliding-window arithmetic over intervals: insert in order, prune, and find a window over its limit.
import type { Evidence } from '@proctor/contracts';
import { ALLOWED_LATENESS_MS, type Interval, MAX_WINDOW_ENTRIES, type WindowState } from './types.ts';

const end = (i: Interval) => i.start + i.durationMs;
const overlap = (i: Interval, from: number, to: number) => Math.max(0, Math.min(end(i), to) - Math.max(i.start, from));

/**
 * Inserts an interval by start time (ties by eventId, so the order never depends on arrival), then drops
 * intervals that ended before newest − window − lateness or inside the alerted window, and keeps at most
 * MAX_WINDOW_ENTRIES (the newest).
 * A repeated eventId is not inserted twice.
 */
export function insertInterval(state: WindowState, item: Interval, windowMs: number, newestTs: number): WindowState {
  if (state.entries.some((e) => e.eventId === item.eventId)) return state;
  const horizon = newestTs - windowMs - ALLOWED_LATENESS_MS;
  const entries = [...state.entries, item]
    .sort((a, b) => a.start - b.start || (a.eventId < b.eventId ? -1 : 1))
    .filter((e) => end(e) >= horizon && (e === item || end(e) > state.alertedUntil));
  return { ...state, entries: entries.slice(-MAX_WINDOW_ENTRIES) };
}

export interface WindowHit {
  start: number;
  end: number;
  totalMs: number;
  members: Interval[];
}

/**
 * The earliest window [s, s + windowMs) that overlaps `item`, starts at or after state.alertedUntil, and holds
 * more than limitMs of interval time (each interval clipped to the window). The overlap sum is piecewise linear
 * in s, so its maximum lies where a window edge meets an interval edge: s = start, or s + windowMs = end.
 */
export function findWindowOverLimit(
  state: WindowState,
  item: Interval,
  windowMs: number,
  limitMs: number,
): WindowHit | null {
  // Fast path (the common case): if all remembered time after alertedUntil fits the limit, no window can exceed it.
  let upperBound = 0;
  for (const e of state.entries) upperBound += Math.max(0, end(e) - Math.max(e.start, state.alertedUntil));
  if (upperBound <= limitMs) return null;
  const candidates = new Set<number>();
  for (const e of state.entries) {
    candidates.add(Math.max(e.start, state.alertedUntil));
    candidates.add(Math.max(end(e) - windowMs, state.alertedUntil));
  }
  const sorted = [...candidates].sort((a, b) => a - b);
  for (const s of sorted) {
    if (overlap(item, s, s + windowMs) <= 0) continue;
    const hit = windowAt(state.entries, s, windowMs);
    if (hit.totalMs <= limitMs) continue;
    // Normalise: slide the window right to its first member's start. Nothing lies before that point, so the
    // sum can only grow, and the window reads "from the first look-away on".
    const first = Math.max(s, Math.min(...hit.members.map((m) => m.start)));
    return first === s ? hit : windowAt(state.entries, first, windowMs);
  }
  return null;
}

function windowAt(entries: Interval[], start: number, windowMs: number): WindowHit {
  const to = start + windowMs;
  let total = 0;
  const members: Interval[] = [];
  for (const e of entries) {
    const o = overlap(e, start, to);
    if (o > 0) {
      total += o;
      members.push(e);
    }
  }
  return { start, end: to, totalMs: total, members };
}

/** Evidence of a window: its intervals with their confidence, capped at the contract's 100. */
export function evidenceOf(members: Interval[]): Evidence[] {
  return members.slice(0, 100).map((m) => ({
    eventId: m.eventId,
    timestamp: m.start,
    confidence: m.confidence,
    durationMillis: m.durationMs,
  }));
}

/** Confidence of a window: the members' confidence weighted by duration (plain mean if all are zero-length). */
export function weightedConfidence(members: Interval[]): number {
  const weight = members.reduce((s, m) => s + m.durationMs, 0);
  if (weight === 0) return members.reduce((s, m) => s + m.confidence, 0) / Math.max(1, members.length);
  return Math.min(1, members.reduce((s, m) => s + m.confidence * m.durationMs, 0) / weight);
}

export const seconds = (ms: number) => `${Number((ms / 1000).toFixed(3))} s`;
