// Splits a batch's events into valid ones (first occurrence of each eventId) and per-event rejections, so one bad
// event is reported by its eventId while the others are still accepted. Each rejection carries a stable code and
// a message naming the accepted form or the limit.
import {
  AnomalyEvent,
  EVENT_LIMITS,
  type EventRejectionCode,
  type RejectedEvent,
  timestampVerdict,
} from '@proctor/contracts';
import type { z } from 'zod';

const MAX_AGE = `${EVENT_LIMITS.maxEventAgeMs / 3_600_000} h`;
const MAX_SKEW = `${EVENT_LIMITS.maxFutureSkewMs / 1000} s`;
const MAX_MESSAGE = 500;

export interface ValidatedBatch {
  valid: AnomalyEvent[];
  rejected: RejectedEvent[];
  /** Repeats of an eventId already seen earlier in the same batch. */
  repeats: number;
}

type Refusal = { code: EventRejectionCode; message: string };

/** The eventId to report a rejection under: echoed only when it is a string, and never longer than an id may be. */
function eventIdOf(raw: unknown): string | undefined {
  if (raw && typeof raw === 'object' && 'eventId' in raw && typeof raw.eventId === 'string' && raw.eventId) {
    return raw.eventId.slice(0, 128);
  }
  return undefined;
}

// The first failing field decides the code (ids and timestamps have their own); the message lists every issue.
function schemaRejection(issues: z.core.$ZodIssue[]): Refusal {
  const field = issues[0]?.path[0];
  const code = field === 'eventId' ? 'INVALID_EVENT_ID' : field === 'timestamp' ? 'INVALID_TIMESTAMP' : 'INVALID_EVENT';
  const message = issues.map((i) => `${i.path.join('.') || 'event'}: ${i.message}`).join('; ');
  return { code, message: message.length > MAX_MESSAGE ? `${message.slice(0, MAX_MESSAGE - 1)}…` : message };
}

// A valid epoch-ms number can lie past Date's range (±8.64e15), where toISOString throws: show the number then.
const iso = (ms: number) => (Math.abs(ms) <= 8.64e15 ? new Date(ms).toISOString() : `${ms} ms`);

function ageRejection(timestamp: number, now: number): Refusal | undefined {
  const verdict = timestampVerdict(timestamp, now);
  if (verdict === 'too_old') {
    return {
      code: 'EVENT_TOO_OLD',
      message: `timestamp ${iso(timestamp)} is older than the accepted age of ${MAX_AGE} (server clock ${iso(now)}); send events within ${MAX_AGE} of when they happened`,
    };
  }
  if (verdict === 'future') {
    return {
      code: 'TIMESTAMP_OUT_OF_RANGE',
      message: `timestamp ${iso(timestamp)} is more than ${MAX_SKEW} ahead of the server clock (${iso(now)}); check the client's clock`,
    };
  }
  return undefined;
}

/** One event: parsed into the canonical shape (epoch ms, typed details), then checked against the clock. */
function judge(raw: unknown, now: number): { event: AnomalyEvent } | Refusal {
  const parsed = AnomalyEvent.safeParse(raw);
  if (!parsed.success) return schemaRejection(parsed.error.issues);
  return ageRejection(parsed.data.timestamp, now) ?? { event: parsed.data };
}

export function validateEvents(events: unknown[], now: number): ValidatedBatch {
  const valid: AnomalyEvent[] = [];
  const rejected: RejectedEvent[] = [];
  const seen = new Set<string>();
  let repeats = 0;
  events.forEach((raw, index) => {
    const verdict = judge(raw, now);
    if (!('event' in verdict)) {
      const eventId = eventIdOf(raw);
      rejected.push({ index, ...(eventId ? { eventId } : {}), ...verdict });
      return;
    }
    const { event } = verdict;
    if (seen.has(event.eventId)) {
      repeats++;
      return;
    }
    seen.add(event.eventId);
    valid.push(event);
  });
  return { valid, rejected, repeats };
}
