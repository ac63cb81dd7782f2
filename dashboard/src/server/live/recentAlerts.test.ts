import { describe, expect, it } from 'vitest';
import type { LiveEvent } from './liveSeq.ts';
import { createRecentAlerts } from './recentAlerts.ts';

const alertAt = (seq: string): LiveEvent => ({
  type: 'alert',
  seq,
  data: {
    alertId: seq,
    sessionId: 's',
    userId: 'u',
    rule: 'look_away',
    severity: 'medium',
    status: 'open',
    explanation: '',
    updatedAt: 0,
  },
});

describe('recentAlerts', () => {
  it('answers from the log only for ids after what it has dropped', () => {
    const log = createRecentAlerts(2);
    expect(log.since('5-0')).toBeUndefined(); // not started
    log.start('1-0');
    for (const seq of ['2-0', '3-0', '4-0']) log.add(alertAt(seq));
    // 2-0 was dropped: an id at or before it may have missed it.
    expect(log.since('2-0')).toBeUndefined();
    expect(log.since('3-0')?.map((e) => e.seq)).toEqual(['3-0', '4-0']);
    expect(log.since('4-0')?.map((e) => e.seq)).toEqual(['4-0']);
  });

  it('joins a reconnect to a read already running from an earlier id, adding what was sent since it started', async () => {
    const log = createRecentAlerts();
    log.start('1-0');
    let reads = 0;
    let finish: (events: LiveEvent[]) => void = () => {};
    const read = () => {
      reads++;
      return new Promise<LiveEvent[]>((resolve) => {
        finish = resolve;
      });
    };
    const first = log.shared('0-5', '1-0', read);
    log.add(alertAt('2-0')); // sent while the read runs
    const second = log.shared('0-7', '2-0', read);
    finish([alertAt('0-5'), alertAt('0-7'), alertAt('1-0')]);
    expect((await first).map((e) => e.seq)).toEqual(['0-5', '0-7', '1-0']);
    expect((await second).map((e) => e.seq)).toEqual(['0-7', '1-0', '2-0']);
    expect(reads).toBe(1);
    // A finished read is not reused: the next burst reads afresh.
    const third = log.shared('0-1', '2-0', read);
    finish([]);
    await third;
    expect(reads).toBe(2);
  });
});
