// A receipt checked within a bounded budget: at most RECEIPT_MAX_EVENTS events per request (counted before any of
// them is validated or hashed), validated and hashed in chunks with the event loop yielded between them, so one
// large receipt cannot hold up every live stream of this process.
import { setImmediate } from 'node:timers/promises';
import {
  AnomalyEvent,
  type HeldEvent,
  RECEIPT_CHUNK,
  Receipt,
  type ReceiptVerdict,
  verifyReceipt,
} from '@proctor/contracts';
import type { z } from 'zod';
import { describeIssues } from '../http/respond.ts';

/**
 * Events one verification hashes at most: a three-hour exam sends a few hundred, the receipt body limit (2 MiB)
 * would let some 7,000 through.
 */
export const RECEIPT_MAX_EVENTS = 5_000;

/** Verifications one proctor may run a minute (each is up to RECEIPT_MAX_EVENTS hashes). */
export const RECEIPT_CHECKS_PER_MINUTE = 20;

const pause = async () => {
  await setImmediate();
};

const Envelope = Receipt.omit({ events: true });

export type ReceiptParse =
  | { ok: true; receipt: Receipt }
  | { ok: false; code: 'RECEIPT_TOO_MANY_EVENTS' | 'VALIDATION_FAILED'; message: string; issues?: z.core.$ZodIssue[] };

/** Validates a parsed body as a receipt, its events RECEIPT_CHUNK at a time, after counting them. */
export async function parseReceipt(value: unknown): Promise<ReceiptParse> {
  const events = (value as { events?: unknown } | null)?.events;
  if (!Array.isArray(events)) {
    return { ok: false, code: 'VALIDATION_FAILED', message: 'events: must be the array of the receipt’s events' };
  }
  if (events.length > RECEIPT_MAX_EVENTS) {
    return {
      ok: false,
      code: 'RECEIPT_TOO_MANY_EVENTS',
      message: `the receipt lists ${events.length} events; one check takes at most ${RECEIPT_MAX_EVENTS}`,
    };
  }
  const envelope = Envelope.safeParse(value);
  if (!envelope.success) return invalid(envelope.error.issues);
  const parsed: AnomalyEvent[] = [];
  for (let at = 0; at < events.length; at += RECEIPT_CHUNK) {
    const chunk = AnomalyEvent.array().safeParse(events.slice(at, at + RECEIPT_CHUNK));
    if (!chunk.success) {
      return invalid(
        chunk.error.issues.map((i) => ({ ...i, path: ['events', at + Number(i.path[0]), ...i.path.slice(1)] })),
      );
    }
    parsed.push(...chunk.data);
    await pause();
  }
  return { ok: true, receipt: { ...envelope.data, events: parsed } };
}

function invalid(issues: z.core.$ZodIssue[]): ReceiptParse {
  return { ok: false, code: 'VALIDATION_FAILED', message: describeIssues(issues), issues };
}

/** verifyReceipt, yielding the event loop after every RECEIPT_CHUNK hashes. */
export const verifyInChunks = (sessionId: string, receipt: Receipt, held: HeldEvent[]): Promise<ReceiptVerdict> =>
  verifyReceipt(sessionId, receipt, held, pause);
