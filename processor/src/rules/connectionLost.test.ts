import { describe, expect, it } from 'vitest';
import { config, T0 } from '../../test/events.ts';
import { connectionLostAlert } from './connectionLost.ts';

describe('connection-lost rule', () => {
  it.each([
    { overrides: {}, silenceS: 45 },
    { overrides: { heartbeatIntervalSeconds: 10, connectionLostAfterIntervals: 5 }, silenceS: 50 },
  ])('covers N × heartbeat interval before the deadline ($silenceS s)', ({ overrides, silenceS }) => {
    const a = connectionLostAlert(T0 + 100_000, config(overrides));
    expect(a.windowEnd).toBe(T0 + 100_000);
    expect(a.windowEnd - a.windowStart).toBe(silenceS * 1000);
    expect(a.rule).toBe('connection_lost');
  });

  it('uses the deadline as its bucket: the same lapse is the same alert, a later one another', () => {
    const c = config();
    expect(connectionLostAlert(T0 + 1, c).windowBucket).toBe(connectionLostAlert(T0 + 1, c).windowBucket);
    expect(connectionLostAlert(T0 + 1, c).windowBucket).not.toBe(connectionLostAlert(T0 + 90_000, c).windowBucket);
  });
});
