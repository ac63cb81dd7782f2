import { describe, expect, it } from 'vitest';
import type { AnomalyEvent } from './events.ts';
import { canonicalJson, RECEIPT_CHUNK, receiptHead, verifyReceipt } from './receipt.ts';

const S = 'a'.repeat(64);
const ev = (n: number, durationMillis = 3000): AnomalyEvent => ({
  eventId: `00000000-0000-4000-8000-00000000000${n}`,
  type: 'NO_FACE',
  timestamp: 1_767_225_600_000 + n * 1000,
  confidence: 0.9,
  details: { durationMillis },
});

describe('receipt hash chain', () => {
  it('is the same for the same events whatever their key order, and bound to the session', async () => {
    const a = await receiptHead(S, [ev(1), ev(2)]);
    const reordered = JSON.parse(canonicalJson(ev(1))) as AnomalyEvent;
    expect(await receiptHead(S, [{ ...reordered }, ev(2)])).toBe(a);
    expect(await receiptHead('b'.repeat(64), [ev(1), ev(2)])).not.toBe(a);
  });

  it('changes with any changed, dropped or reordered event', async () => {
    const a = await receiptHead(S, [ev(1), ev(2), ev(3)]);
    expect(await receiptHead(S, [ev(1), ev(2, 3001), ev(3)])).not.toBe(a);
    expect(await receiptHead(S, [ev(1), ev(3)])).not.toBe(a);
    expect(await receiptHead(S, [ev(2), ev(1), ev(3)])).not.toBe(a);
  });
});

describe('verifyReceipt', () => {
  const held = [{ eventId: ev(2).eventId, timestamp: ev(2).timestamp, confidence: 0.9, durationMillis: 3000 }];
  const receiptOf = async (events: AnomalyEvent[]) => ({
    version: 1 as const,
    sessionId: S,
    events,
    head: await receiptHead(S, events),
  });

  it('verifies an untouched receipt against what the system holds', async () => {
    expect(await verifyReceipt(S, await receiptOf([ev(1), ev(2)]), held)).toEqual({ ok: true, checkedEvents: 1 });
  });

  it('fails for a changed event, even when the forger recomputed the head', async () => {
    const r = await receiptOf([ev(1), ev(2)]);
    const edited = { ...r, events: [ev(1), ev(2, 1000)] };
    expect((await verifyReceipt(S, edited, held)).ok).toBe(false); // chain broken
    const rehashed = await receiptOf([ev(1), ev(2, 1000)]);
    const v = await verifyReceipt(S, rehashed, held); // chain fine, but not what the system holds
    expect(v.ok === false && v.problems.join()).toContain('differs from what the system holds');
    expect((await verifyReceipt('c'.repeat(64), r, held)).ok).toBe(false);
  });

  it('pauses after every RECEIPT_CHUNK events hashed, so a server can yield its event loop between chunks', async () => {
    const events = Array.from({ length: RECEIPT_CHUNK * 3 + 1 }, (_, n) => ev(n));
    let pauses = 0;
    const verdict = await verifyReceipt(S, await receiptOf(events), [], async () => {
      pauses++;
    });
    expect(verdict).toEqual({ ok: true, checkedEvents: 0 });
    expect(pauses).toBe(3);
  });
});
