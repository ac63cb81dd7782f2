// The design's walkthrough batch, character for character as the specification wrote it, with only its dates
// moved to now; and the same batch in the other forms integrators send. Node only (tests).
import { randomUUID } from 'node:crypto';

/** Verbatim from the specification's walkthrough. */
export const WALKTHROUGH_BATCH = `{"sessionId":"<session_id>","events":[
  {"eventId":"evt-1","type":"LOOK_AWAY","timestamp":"2026-01-28T10:00:00Z","confidence":0.93,"details":{"durationMillis":2000}},
  {"eventId":"evt-2","type":"MULTI_PERSON","timestamp":"2026-01-28T10:00:05Z","confidence":0.99,"details":{}}]}`;

/** The walkthrough's start body, also verbatim. */
export const WALKTHROUGH_START = '{"examConfig":{"maxLookAwaySeconds":5,"maxLookAwayWindowSeconds":30}}';

const isoSeconds = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

export interface WalkthroughBatch {
  /** The request body as text. */
  body: string;
  /** The epoch ms each event's timestamp stands for (what the canonical record must carry). */
  times: [number, number];
  eventIds: [string, string];
}

/** The batch exactly as written, for `sessionId`, its two dates 10 s and 5 s before `now` (whole seconds). */
function walkthroughBatch(sessionId: string, now = Date.now()): WalkthroughBatch {
  const t1 = Math.floor(now / 1000) * 1000 - 10_000;
  const times: [number, number] = [t1, t1 + 5_000];
  const body = WALKTHROUGH_BATCH.replace('<session_id>', sessionId)
    .replace('2026-01-28T10:00:00Z', isoSeconds(times[0]))
    .replace('2026-01-28T10:00:05Z', isoSeconds(times[1]));
  return { body, times, eventIds: ['evt-1', 'evt-2'] };
}

type Variant = 'as written' | 'epoch ms' | 'offsets and fractional seconds' | 'UUIDs';
export const WALKTHROUGH_VARIANTS: Variant[] = ['as written', 'epoch ms', 'offsets and fractional seconds', 'UUIDs'];

/** `+05:30` / `-03:00` wall-clock text for an instant, with the given fractional digits. */
function withOffset(ms: number, offsetMin: number, fraction: string): string {
  const local = new Date(ms + offsetMin * 60_000).toISOString().slice(0, 19);
  const sign = offsetMin < 0 ? '-' : '+';
  const abs = Math.abs(offsetMin);
  return `${local}.${fraction}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/** The walkthrough batch in one of the forms the edge accepts; every form means the same two events. */
export function walkthroughVariant(variant: Variant, sessionId: string, now = Date.now()): WalkthroughBatch {
  const base = walkthroughBatch(sessionId, now);
  if (variant === 'as written') return base;
  const parsed = JSON.parse(base.body) as { events: { eventId: string; timestamp: unknown }[] };
  let { times, eventIds } = base;
  if (variant === 'epoch ms') {
    for (const [i, e] of parsed.events.entries()) e.timestamp = times[i];
  }
  if (variant === 'offsets and fractional seconds') {
    // 250 ms and 123.456789 ms past the second; digits past the millisecond are truncated.
    parsed.events[0]!.timestamp = withOffset(times[0] + 250, 330, '250');
    parsed.events[1]!.timestamp = withOffset(times[1] + 123, -180, '123456789');
    times = [times[0] + 250, times[1] + 123];
  }
  if (variant === 'UUIDs') {
    eventIds = [randomUUID(), randomUUID()];
    for (const [i, e] of parsed.events.entries()) e.eventId = eventIds[i]!;
  }
  return { body: JSON.stringify({ ...parsed, sessionId }), times, eventIds };
}
