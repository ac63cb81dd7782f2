// Decides whether an anomaly that just began may get a thumbnail (the session's policy, its hourly budget), then
// captures one and uploads it. Without the opt-in it never calls capture: no pixels beyond detection.
import { sleep, type ThumbnailsPolicy, ThumbnailUploadResponse } from '@proctor/contracts';
import type { AnomalyBegin } from '../derive/eventDeriver.ts';
import { backoffDelayMs } from '../transport/backoff.ts';
import type { EdgeApi } from '../transport/edgeApi.ts';

const HOUR_MS = 3_600_000;
/** A thumbnail is a nice-to-have: a few tries, then it is dropped (the event itself is queued durably). */
const MAX_ATTEMPTS = 4;

export interface ThumbnailUploaderOptions {
  api: EdgeApi;
  sessionId: string;
  /** The session's resolved opt-in from /sessions/start; absent means off. */
  policy: () => ThumbnailsPolicy | undefined;
  capture: () => Promise<Blob | null>;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  onResult?: (r: {
    eventId: string;
    outcome: 'stored' | 'skipped' | 'failed';
    bytes?: number;
    reason?: string;
  }) => void;
}

/** True when the policy allows a thumbnail for this begin and the last hour's budget has room. */
export function thumbnailAllowed(
  policy: ThumbnailsPolicy | undefined,
  begin: Pick<AnomalyBegin, 'type'>,
  takenAt: number[],
  now: number,
): boolean {
  if (!policy?.enabled || policy.maxPerHour <= 0) return false;
  if (!(policy.types as string[]).includes(begin.type)) return false;
  return takenAt.filter((t) => t > now - HOUR_MS).length < policy.maxPerHour;
}

export function createThumbnailUploader(o: ThumbnailUploaderOptions) {
  const now = o.now ?? Date.now;
  const wait = o.sleep ?? sleep;
  const takenAt: number[] = [];

  async function upload(begin: AnomalyBegin, blob: Blob): Promise<void> {
    const q = new URLSearchParams({ sessionId: o.sessionId, eventId: begin.eventId, type: begin.type });
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const res = await o.api.post(`/thumbnails?${q}`, blob, ThumbnailUploadResponse);
      if (res.ok) return o.onResult?.({ eventId: begin.eventId, outcome: 'stored', bytes: blob.size });
      if (res.error.kind !== 'network' && res.error.kind !== 'retry') {
        return o.onResult?.({ eventId: begin.eventId, outcome: 'failed', reason: res.error.code ?? res.error.message });
      }
      await wait(backoffDelayMs(attempt, res.error.retryAfterMs));
    }
    o.onResult?.({ eventId: begin.eventId, outcome: 'failed', reason: 'gave up after retries' });
  }

  return {
    /** Called by the deriver's onAnomalyBegin: the frame in the preview right now is the one that confirmed it. */
    async onAnomalyBegin(begin: AnomalyBegin): Promise<void> {
      const t = now();
      if (!thumbnailAllowed(o.policy(), begin, takenAt, t)) return;
      takenAt.push(t);
      const blob = await o.capture();
      if (!blob) return o.onResult?.({ eventId: begin.eventId, outcome: 'skipped', reason: 'no frame fits 5 KB' });
      await upload(begin, blob);
    },
  };
}
