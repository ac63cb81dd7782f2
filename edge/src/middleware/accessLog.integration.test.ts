// The edge's request lines in real workerd at production's kind of setting (ACCESS_LOG_SAMPLE_RATE below 1): an
// answered request's line is sampled, a refusal's never. Workers Logs bills each line, so heartbeats must not each
// write one; a 401 or 403 must still be seen.
import { type EdgeUnderTest, type Loose, post, startEdgeUnderTest, startedCandidate } from '@proctor/testkit/edge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let h: EdgeUnderTest;

beforeAll(async () => {
  h = await startEdgeUnderTest({ env: { ACCESS_LOG_SAMPLE_RATE: '0' } });
});
afterAll(async () => {
  await h?.stop();
});

const requestLines = (requestId: string) =>
  h.edge.logs
    .filter((l) => l.includes(requestId))
    .map((l) => JSON.parse(l) as Loose)
    .filter((l) => l.event === 'http_request');

describe('request log lines, answered requests sampled out', () => {
  it('writes no line for a 200 heartbeat, and one for each refusal after it', async () => {
    const c = await startedCandidate(h.edge.url);
    const id = (name: string) => `access-${name}-${crypto.randomUUID()}`;
    const [ok, forged, mismatch] = [id('ok'), id('forged'), id('mismatch')];

    const alive = await c.call('/sessions/heartbeat', { sessionId: c.sessionId }, { 'X-Request-Id': ok });
    expect(alive.status).toBe(200);
    const refused = await post(
      h.edge.url,
      '/sessions/heartbeat',
      { sessionId: c.sessionId },
      { Authorization: `Bearer ${c.token.slice(0, -4)}AAAA`, 'X-Request-Id': forged },
    );
    expect(refused.status).toBe(401);
    const other = await c.call('/sessions/heartbeat', { sessionId: 'f'.repeat(64) }, { 'X-Request-Id': mismatch });
    expect(other.status).toBe(403);

    // Lines are written in the order the requests finished: once the last refusal's is in, the 200's would be too.
    await expect.poll(() => requestLines(mismatch).length).toBe(1);
    expect(requestLines(forged)).toEqual([expect.objectContaining({ status: 401, path: '/sessions/heartbeat' })]);
    expect(requestLines(mismatch)[0]).toMatchObject({ status: 403 });
    expect(requestLines(mismatch)[0]).not.toHaveProperty('sampleRate');
    expect(requestLines(ok)).toEqual([]);
  });
});
