// The candidate's receipt: a hash chain over the events as the client sent them, verifiable by anyone.
import { z } from 'zod';
import { AnomalyEvent } from './events.ts';
import { Sha256Hex, sha256Hex } from './ids.ts';
import { SessionId } from './session.ts';

/** JSON with object keys sorted at every level, so the same event always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(value);
}

/** h0 = SHA-256("proctor.receipt.v1" ‖ sessionId); the chain is bound to its session. */
export const receiptGenesis = (sessionId: string) => sha256Hex(`proctor.receipt.v1${sessionId}`);
/** h(i) = SHA-256(h(i-1) ‖ canonical JSON of event i). */
export const receiptStep = (prev: string, event: AnomalyEvent) => sha256Hex(`${prev}${canonicalJson(event)}`);

export const Receipt = z.object({
  version: z.literal(1),
  sessionId: SessionId,
  /** The events in the order they were queued for sending. */
  events: z.array(AnomalyEvent).max(100_000),
  /** The chain's last hash over `events`. */
  head: Sha256Hex,
});
export type Receipt = z.infer<typeof Receipt>;

/** Events hashed between two calls of a verification's `pause`: a server verifying yields its event loop there. */
export const RECEIPT_CHUNK = 200;

/**
 * Recomputes the chain: the head it gives (equal to `receipt.head` for an untouched receipt). `pause`, when given,
 * is awaited after every RECEIPT_CHUNK events.
 */
export async function receiptHead(
  sessionId: string,
  events: AnomalyEvent[],
  pause?: () => Promise<void>,
): Promise<string> {
  let h = await receiptGenesis(sessionId);
  for (const [i, e] of events.entries()) {
    h = await receiptStep(h, e);
    if (pause && (i + 1) % RECEIPT_CHUNK === 0) await pause();
  }
  return h;
}

/** What the system holds about one event of the session (alert evidence today; see docs/decisions.md). */
export interface HeldEvent {
  eventId: string;
  timestamp: number;
  confidence: number;
  durationMillis?: number;
}

export type ReceiptVerdict = { ok: true; checkedEvents: number } | { ok: false; problems: string[] };

/**
 * A receipt verifies when its chain recomputes to its head, it is for this session, and every event the system
 * holds for the session is in it with the same time, confidence and duration.
 */
export async function verifyReceipt(
  sessionId: string,
  receipt: Receipt,
  held: HeldEvent[],
  pause?: () => Promise<void>,
): Promise<ReceiptVerdict> {
  const problems: string[] = [];
  if (receipt.sessionId !== sessionId) problems.push('the receipt is for another session');
  if ((await receiptHead(receipt.sessionId, receipt.events, pause)) !== receipt.head)
    problems.push('the hash chain does not match its head: an event was changed, dropped or reordered');
  const byId = new Map(receipt.events.map((e) => [e.eventId, e]));
  for (const h of held) {
    const e = byId.get(h.eventId);
    const duration = e && 'durationMillis' in e.details ? e.details.durationMillis : undefined;
    if (!e) problems.push(`event ${h.eventId} is held by the system but missing from the receipt`);
    else if (
      e.timestamp !== h.timestamp ||
      Math.abs(e.confidence - h.confidence) > 1e-9 ||
      (h.durationMillis !== undefined && duration !== h.durationMillis)
    )
      problems.push(`event ${h.eventId} differs from what the system holds`);
  }
  return problems.length ? { ok: false, problems } : { ok: true, checkedEvents: held.length };
}
