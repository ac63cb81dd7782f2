// Heartbeat timing: one per interval without contact, none while batches keep the edge informed.
import { describe, expect, it } from 'vitest';
import { heartbeatDue } from './heartbeat.ts';

/** Ticks once a second as the library does; returns the seconds at which a heartbeat went out. */
function simulate(seconds: number, intervalSeconds: number, batchesAt: number[] = []): number[] {
  const sent: number[] = [];
  let lastContact = 0;
  for (let s = 1; s <= seconds; s++) {
    if (batchesAt.includes(s)) lastContact = s * 1000;
    if (heartbeatDue(s * 1000, lastContact, intervalSeconds)) {
      sent.push(s);
      lastContact = s * 1000;
    }
  }
  return sent;
}

describe('heartbeatDue', () => {
  it('is due once a full interval has passed since the last contact, not before', () => {
    expect(heartbeatDue(14_999, 0, 15)).toBe(false);
    expect(heartbeatDue(15_000, 0, 15)).toBe(true);
  });

  it('sends one heartbeat per interval on a quiet connection', () => {
    expect(simulate(60, 15)).toEqual([15, 30, 45, 60]);
  });

  it('skips the heartbeat of an interval in which a batch reached the edge', () => {
    expect(simulate(60, 15, [20])).toEqual([15, 35, 50]);
  });

  it('never leaves the edge without contact for longer than one interval plus the one-second tick', () => {
    const batches = [3, 7, 100, 101, 333];
    const contacts = [0, ...batches, ...simulate(600, 5, batches)].sort((a, b) => a - b);
    const gaps = contacts.slice(1).map((c, i) => c - contacts[i]!);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(5);
  });
});
