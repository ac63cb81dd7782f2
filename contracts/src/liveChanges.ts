// What changed in MySQL, as the processor tells every dashboard after each commit: per tenant and schedule, the
// sessions and alerts it wrote. One Redis stream entry per commit (redisKeys liveChangesKey); the entry's id is the
// live feed's sequence number, which an SSE stream sends as its event id and a reconnect resumes from.
import { z } from 'zod';

export const LiveChange = z.object({
  tenantId: z.string(),
  scheduleId: z.string(),
  sessionIds: z.array(z.string()),
  alertIds: z.array(z.string()),
});
export type LiveChange = z.infer<typeof LiveChange>;
const LiveChanges = z.array(LiveChange);

/** A stream entry id: `<ms>-<n>`, assigned by Redis, increasing (never the database's clock). */
export const LiveSeq = z.string().regex(/^\d{1,20}-\d{1,20}$/, 'must be a live feed sequence number (<ms>-<n>)');
export type LiveSeq = z.infer<typeof LiveSeq>;

/** The entry's one field, holding JSON of LiveChange[]. */
export const LIVE_CHANGES_FIELD = 'c';

/**
 * Entries kept (XADD MAXLEN ~, so a few more): how far back a reconnecting stream can catch up. At a commit per
 * processor chunk, tens of thousands cover minutes of a busy deployment; an entry is a few KB at most.
 */
export const LIVE_CHANGES_MAXLEN = 20_000;

/** An entry's changes; an entry that is not ours (or is damaged) names none, so it costs a reader nothing. */
export function parseLiveChanges(fields: readonly string[]): LiveChange[] {
  const at = fields.indexOf(LIVE_CHANGES_FIELD);
  if (at < 0 || at % 2 !== 0) return [];
  try {
    const parsed = LiveChanges.safeParse(JSON.parse(fields[at + 1] ?? ''));
    return parsed.success ? parsed.data : [];
  } catch {
    return [];
  }
}
