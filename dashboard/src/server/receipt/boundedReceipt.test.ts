// A receipt at the event cap is validated with the event loop running between chunks, and one over it is refused
// before any event is looked at.
import { type AnomalyEvent, RECEIPT_CHUNK } from '@proctor/contracts';
import { describe, expect, it } from 'vitest';
import { parseReceipt, RECEIPT_MAX_EVENTS } from './boundedReceipt.ts';

const S = 'a'.repeat(64);
const ev = (n: number): AnomalyEvent => ({
  eventId: `ev-${n}`,
  type: 'NO_FACE',
  timestamp: 1_767_225_600_000 + n * 1000,
  confidence: 0.9,
  details: { durationMillis: 3000 },
});
const receipt = (events: unknown[]) => ({ version: 1, sessionId: S, events, head: '0'.repeat(64) });

/** Runs `work` while a setImmediate ticker counts how often the event loop came round. */
async function loopTurnsDuring<T>(work: () => Promise<T>): Promise<{ result: T; turns: number }> {
  let turns = 0;
  let running = true;
  const tick = () => {
    turns++;
    if (running) setImmediate(tick);
  };
  setImmediate(tick);
  const result = await work();
  running = false;
  return { result, turns };
}

describe('parseReceipt', () => {
  it('validates a receipt at the cap chunk by chunk, the event loop turning between chunks', async () => {
    const events = Array.from({ length: RECEIPT_MAX_EVENTS }, (_, n) => ev(n));
    const { result, turns } = await loopTurnsDuring(() => parseReceipt(receipt(events)));
    expect(result.ok && result.receipt.events.length).toBe(RECEIPT_MAX_EVENTS);
    expect(turns).toBeGreaterThanOrEqual(RECEIPT_MAX_EVENTS / RECEIPT_CHUNK - 1);
  });

  it('refuses one event over the cap before validating any, and names a bad event by its index', async () => {
    const over = await parseReceipt(receipt(Array.from({ length: RECEIPT_MAX_EVENTS + 1 }, () => 'not an event')));
    expect(over).toMatchObject({ ok: false, code: 'RECEIPT_TOO_MANY_EVENTS' });
    const events: unknown[] = Array.from({ length: RECEIPT_CHUNK + 5 }, (_, n) => ev(n));
    events[RECEIPT_CHUNK + 2] = { ...ev(0), confidence: 7 };
    const bad = await parseReceipt(receipt(events));
    expect(bad).toMatchObject({ ok: false, code: 'VALIDATION_FAILED' });
    expect(!bad.ok && bad.message).toMatch(new RegExp(`^events\\.${RECEIPT_CHUNK + 2}\\.confidence`));
  });
});
