// A closed session stays closed, in real workerd: its tombstone outlives the session's state for as long as the exam
// token could still be accepted, and /sessions/start refuses it (SESSION_ENDED, or SESSION_ERASED after an erasure).
import {
  SESSION_STATE_TTL_SECONDS,
  SESSION_TOMBSTONE_MAX_TTL_SECONDS,
  sessionStateKey,
  sessionTombstoneKey,
} from '@proctor/contracts';
import { candidate, randomIdentity } from '@proctor/testkit/edge';
import { useEdgeUnderTest } from '@proctor/testkit/edge/useEdgeUnderTest';
import { describe, expect, it } from 'vitest';

const h = useEdgeUnderTest();

const DAY = 24 * 60 * 60;

describe('a closed session stays closed', () => {
  it('refuses to start an ended session after its state expired, for as long as its token lives', async () => {
    const c = await candidate(h.edge.url, randomIdentity(), { expSeconds: 3 * DAY });
    expect((await c.callRetrying('/sessions/start')).status).toBe(201);
    expect((await c.callRetrying('/sessions/end', { sessionId: c.sessionId })).status).toBe(200);
    const tombstone = sessionTombstoneKey(c.sessionId, h.prefix);
    expect(await h.redis.get(tombstone)).toBe('ended');
    // Kept past the token's own life (3 days), longer than the session state's 8 h.
    expect(await h.redis.ttl(tombstone)).toBeGreaterThanOrEqual(3 * DAY);

    await h.redis.del(sessionStateKey(c.sessionId, h.prefix)); // the state's TTL ran out
    const again = await c.call('/sessions/start');
    expect(again.status).toBe(409);
    expect(again.json.error.code).toBe('SESSION_ENDED');
    expect(await h.redis.exists(sessionStateKey(c.sessionId, h.prefix))).toBe(0);
  });

  it('keeps a tombstone at least as long as the state, and at most the bound, whatever the token says', async () => {
    const short = await candidate(h.edge.url, randomIdentity(), { expSeconds: 60 });
    const long = await candidate(h.edge.url, randomIdentity(), { expSeconds: 90 * DAY });
    for (const c of [short, long]) {
      expect((await c.callRetrying('/sessions/start')).status).toBe(201);
      expect((await c.callRetrying('/sessions/end', { sessionId: c.sessionId })).status).toBe(200);
    }
    const ttl = (id: string) => h.redis.ttl(sessionTombstoneKey(id, h.prefix));
    expect(await ttl(short.sessionId)).toBeGreaterThanOrEqual(SESSION_STATE_TTL_SECONDS - 5);
    expect(await ttl(long.sessionId)).toBeLessThanOrEqual(SESSION_TOMBSTONE_MAX_TTL_SECONDS);
  });

  it('refuses to start an erased session with SESSION_ERASED (410) and creates nothing', async () => {
    const c = await candidate(h.edge.url);
    // What the processor's erasure leaves: no state, an 'erased' tombstone.
    await h.redis.set(sessionTombstoneKey(c.sessionId, h.prefix), 'erased', { ex: 3600 });
    const refused = await c.call('/sessions/start');
    expect(refused.status).toBe(410);
    expect(refused.json.error.code).toBe('SESSION_ERASED');
    expect(await h.redis.exists(sessionStateKey(c.sessionId, h.prefix))).toBe(0);
    // Nothing was announced either: no session_started record for it.
    const records = await h.topic.readAll(1, { key: JSON.stringify(c.sessionId), timeoutMs: 5000 });
    expect(records).toEqual([]);
  });
});
