import { describe, expect, it } from 'vitest';
import type { LiveEvent } from './liveSeq.ts';
import { sseFrame } from './sseFrame.ts';

const alert: LiveEvent = {
  type: 'alert',
  seq: '1700000000000-3',
  data: {
    alertId: 'a1',
    sessionId: 's1',
    userId: 'u1',
    rule: 'look_away',
    severity: 'medium',
    status: 'open',
    explanation: 'looked away',
    updatedAt: 1,
  },
};

describe('sseFrame', () => {
  it('is one SSE event with its sequence number as the id', () => {
    const text = new TextDecoder().decode(sseFrame(alert));
    expect(text).toBe(`id: 1700000000000-3\nevent: alert\ndata: ${JSON.stringify(alert.data)}\n\n`);
    expect(new TextDecoder().decode(sseFrame({ ...alert, seq: '' }))).not.toContain('id:');
  });

  it('serialises an event once, however many streams it is written to', () => {
    expect(sseFrame(alert)).toBe(sseFrame(alert));
    expect(sseFrame({ ...alert })).not.toBe(sseFrame(alert));
  });
});
