// The thumbnail decision and upload, with a recording stand-in for the edge API: no opt-in means no capture at all.
import type { ThumbnailsPolicy } from '@proctor/contracts';
import { describe, expect, it } from 'vitest';
import type { ApiResult, EdgeApi } from '../transport/edgeApi.ts';
import { createThumbnailUploader, thumbnailAllowed } from './thumbnailUploader.ts';

const ON: ThumbnailsPolicy = { enabled: true, types: ['MULTI_PERSON', 'NO_FACE'], maxPerHour: 2 };
const begin = (n: number, type: 'MULTI_PERSON' | 'NO_FACE' | 'LOOK_AWAY' = 'MULTI_PERSON') => ({
  type,
  eventId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  t: n,
});

function setup(policy: ThumbnailsPolicy | undefined, replies: ApiResult<unknown>[] = []) {
  let now = 1_000_000;
  const posts: string[] = [];
  let captures = 0;
  const api: EdgeApi = {
    async post(path) {
      posts.push(path);
      return (replies.shift() ?? { ok: true, value: {} }) as never;
    },
  };
  const results: string[] = [];
  const uploader = createThumbnailUploader({
    api,
    sessionId: 'a'.repeat(64),
    policy: () => policy,
    capture: async () => {
      captures++;
      return new Blob([new Uint8Array(100)], { type: 'image/webp' });
    },
    now: () => now,
    sleep: async () => {},
    onResult: (r) => results.push(`${r.outcome}${r.reason ? `:${r.reason}` : ''}`),
  });
  return { uploader, posts, results, captures: () => captures, advance: (ms: number) => (now += ms) };
}

describe('thumbnail uploader', () => {
  it('never captures without the opt-in, with it disabled, or for a type the policy leaves out', async () => {
    for (const policy of [undefined, { ...ON, enabled: false }, { ...ON, maxPerHour: 0 }]) {
      const s = setup(policy);
      await s.uploader.onAnomalyBegin(begin(1));
      expect(s.captures()).toBe(0);
      expect(s.posts).toEqual([]);
    }
    const s = setup(ON);
    await s.uploader.onAnomalyBegin(begin(1, 'LOOK_AWAY'));
    expect(s.captures()).toBe(0);
  });

  it('uploads one per begin, bound to its event and type, up to maxPerHour in any sliding hour', async () => {
    const s = setup(ON);
    await s.uploader.onAnomalyBegin(begin(1));
    await s.uploader.onAnomalyBegin(begin(2, 'NO_FACE'));
    await s.uploader.onAnomalyBegin(begin(3));
    expect(s.captures()).toBe(2);
    expect(s.posts).toEqual([
      `/thumbnails?sessionId=${'a'.repeat(64)}&eventId=${begin(1).eventId}&type=MULTI_PERSON`,
      `/thumbnails?sessionId=${'a'.repeat(64)}&eventId=${begin(2).eventId}&type=NO_FACE`,
    ]);
    s.advance(3_600_001);
    await s.uploader.onAnomalyBegin(begin(4));
    expect(s.captures()).toBe(3);
  });

  it('retries a 503 or a network failure a few times, and stops at once on a refusal', async () => {
    const retry = { ok: false as const, error: { kind: 'retry' as const, status: 503, message: 'x' } };
    const s = setup(ON, [retry, { ok: false, error: { kind: 'network', message: 'down' } }]);
    await s.uploader.onAnomalyBegin(begin(1));
    expect(s.posts.length).toBe(3);
    expect(s.results).toEqual(['stored']);
    const refused = {
      ok: false as const,
      error: { kind: 'fatal' as const, code: 'THUMBNAILS_DISABLED', message: 'no' },
    };
    const r = setup(ON, [refused]);
    await r.uploader.onAnomalyBegin(begin(1));
    expect(r.posts.length).toBe(1);
    expect(r.results).toEqual(['failed:THUMBNAILS_DISABLED']);
  });

  it('thumbnailAllowed counts only the last hour', () => {
    expect(thumbnailAllowed(ON, { type: 'NO_FACE' }, [0, 1], 3_600_002)).toBe(true);
    expect(thumbnailAllowed(ON, { type: 'NO_FACE' }, [10, 20], 3_600_000)).toBe(false);
  });
});
