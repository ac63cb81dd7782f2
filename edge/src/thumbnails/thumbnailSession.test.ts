// thumbnailsOf: the opt-in is read from the session's stored resolved config, and anything else means off.
import { describe, expect, it } from 'vitest';
import { thumbnailsOf } from './thumbnailSession.ts';

describe('thumbnailsOf', () => {
  it('reads config.thumbnails as sessions/start stored it', () => {
    const config = { examConfig: {}, thumbnails: { enabled: true, types: ['NO_FACE'], maxPerHour: 3 } };
    expect(thumbnailsOf(JSON.stringify(config))).toEqual({ enabled: true, types: ['NO_FACE'], maxPerHour: 3 });
  });

  it('is off for a session without a stored config, without thumbnails, or with an unreadable one', () => {
    for (const raw of [null, undefined, '', '{}', '{"thumbnails":{"enabled":"yes"}}', 'not json', '[]']) {
      expect(thumbnailsOf(raw).enabled, String(raw)).toBe(false);
    }
  });
});
