// Splits a batch's events into valid ones (first occurrence of each eventId) and per-event rejections, so one bad
// event is reported by its eventId while the others are still accepted.
import { AnomalyEvent, EVENT_LIMITS, type RejectedEvent, timestampInRange } from '@proctor/contracts';

const SKEW_RULE = `within the last ${EVENT_LIMITS.maxEventAgeMs / 3_600_000} h and at most ${EVENT_LIMITS.maxFutureSkewMs / 1000} s ahead of`;

export interface ValidatedBatch {
  valid: AnomalyEvent[];
  rejected: RejectedEvent[];
  /** Repeats of an eventId already seen earlier in the same batch. */
  repeats: number;
}

function eventIdOf(raw: unknown): string | undefined {
  if (raw && typeof raw === 'object' && 'eventId' in raw && typeof raw.eventId === 'string') {
    return raw.eventId.slice(0, 64);
  }
  return undefined;
}

export function validateEvents(events: unknown[], now: number): ValidatedBatch {
  const valid: AnomalyEvent[] = [];
  const rejected: RejectedEvent[] = [];
  const seen = new Set<string>();
  let repeats = 0;
  events.forEach((raw, index) => {
    const parsed = AnomalyEvent.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const eventId = eventIdOf(raw);
      rejected.push({
        index,
        ...(eventId ? { eventId } : {}),
        code: 'INVALID_EVENT',
        message: `${issue?.path.join('.') || 'event'}: ${issue?.message ?? 'invalid'}`,
      });
      return;
    }
    const event = parsed.data;
    if (!timestampInRange(event.timestamp, now)) {
      rejected.push({
        index,
        eventId: event.eventId,
        code: 'TIMESTAMP_OUT_OF_RANGE',
        message: `timestamp must be ${SKEW_RULE} the server clock (${now})`,
      });
      return;
    }
    if (seen.has(event.eventId)) {
      repeats++;
      return;
    }
    seen.add(event.eventId);
    valid.push(event);
  });
  return { valid, rejected, repeats };
}
