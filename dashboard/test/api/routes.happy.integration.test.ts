// Every /api route of the built dashboard served to its own tenant, and what a served request does: a review is
// announced to every live view, a form post without JavaScript goes back to its page, a receipt verifies.
import { type AnomalyEvent, LIVE_CHANGES_FIELD, liveChangesKey, receiptHead } from '@proctor/contracts';
import { describe, expect, it } from 'vitest';
import { signIn } from '../testDashboard.ts';
import { bearer, ROUTE_IDS, roleOf, useApiDashboard } from './apiFixture.ts';

const api = useApiDashboard('api-happy');
const { dash } = api;

describe('every route serves its own tenant', () => {
  it.each(ROUTE_IDS)('%s → 2xx', async (id) => {
    const res = await api.callAs(id, api.ids.A, bearer(await api.token(api.A, roleOf(id))), api.A);
    expect(res.status, res.text).toBeGreaterThanOrEqual(200);
    expect(res.status, res.text).toBeLessThan(300);
    expect(res.headers.get('x-request-id')).toBeTruthy();
    if (id !== 'thumbnail') expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('openapi.json is public and describes every route, from the definitions the validators use', async () => {
    const res = await fetch(`${dash.app.url}/api/openapi.json`);
    expect(res.status).toBe(200);
    const doc = await res.json();
    const ops = Object.values(doc.paths)
      .flatMap((methods) => Object.values(methods as Record<string, { operationId?: string }>))
      .map((op) => op.operationId ?? 'document');
    expect(ops.sort()).toEqual([...ROUTE_IDS, 'document'].sort());
    expect(
      doc.paths['/api/alerts/{alertId}/review'].post.requestBody.content['application/json'].schema.properties.action
        .enum,
    ).toEqual(['acknowledge', 'dismiss']);
  });
});

describe('a review', () => {
  it('is announced on the live change stream after its commit', async () => {
    const res = await api.call(
      { method: 'POST', path: `/api/alerts/${api.ids.A.alert}/review`, body: { action: 'acknowledge', note: 'seen' } },
      bearer(await api.token(api.A)),
    );
    expect(res.status).toBe(200);
    const newest = (await dash.redis.xrevrange(liveChangesKey(dash.prefix), '+', '-', 'COUNT', 1)) as [
      string,
      string[],
    ][];
    const fields = newest[0]?.[1] ?? [];
    const changes = JSON.parse(fields[fields.indexOf(LIVE_CHANGES_FIELD) + 1] ?? '[]');
    expect(changes).toEqual([
      { tenantId: api.A, scheduleId: api.ids.A.schedule, sessionIds: [], alertIds: [api.ids.A.alert] },
    ]);
  });

  it('works without JavaScript: the page’s form post is saved and answered with a redirect back to the alert', async () => {
    const { cookie } = await signIn(dash.app.url, await api.token(api.A));
    const res = await fetch(`${dash.app.url}/api/alerts/${api.ids.A.alert}/review`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie, origin: dash.app.url, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ action: 'dismiss', note: 'form post, no script' }),
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/sessions/${api.ids.A.session}#alert-${api.ids.A.alert}`);
    const [[row]] = (await dash.db.pool.query('SELECT status FROM alerts WHERE alert_id = ?', [
      api.ids.A.alert,
    ])) as unknown as [{ status: string }[]];
    expect(row?.status).toBe('dismissed');
  });
});

describe('the receipt check', () => {
  /** A receipt of `n` LOOK_AWAY events, the held evidence event last, with its chain head. */
  async function receiptWith(n: number, sessionId = api.ids.A.session) {
    const h = api.held.A;
    const events: AnomalyEvent[] = Array.from({ length: n }, (_, k) => ({
      eventId: crypto.randomUUID(),
      type: 'LOOK_AWAY' as const,
      timestamp: h.timestamp - (n - k) * 1000,
      confidence: 0.8,
      details: { durationMillis: 1500, direction: 'LEFT' as const, yawDegrees: 31.5, pitchDegrees: -4.25 },
    }));
    events[n - 1] = {
      eventId: h.eventId,
      type: 'LOOK_AWAY',
      timestamp: h.timestamp,
      confidence: h.confidence,
      details: { durationMillis: h.durationMillis },
    };
    return { version: 1, sessionId, events, head: await receiptHead(sessionId, events) };
  }
  const post = async (body: unknown) =>
    api.call(
      { method: 'POST', path: `/api/sessions/${api.ids.A.session}/receipt`, body },
      bearer(await api.token(api.A)),
    );

  it('a whole exam’s receipt (over the 16 KiB default body limit) verifies when untouched', async () => {
    const body = await receiptWith(300);
    expect(JSON.stringify(body).length).toBeGreaterThan(16 * 1024);
    const res = await post(body);
    expect(res.status, res.text).toBe(200);
    expect(res.json()).toEqual({ sessionId: api.ids.A.session, ok: true, checkedEvents: 1 });
  });

  it('fails for a changed event, whether or not the chain was recomputed over the change', async () => {
    const edited = await receiptWith(20);
    const e = edited.events[3];
    if (e) e.confidence = 0.1;
    const broken = (await post(edited)).json();
    expect(broken.ok).toBe(false);
    expect(broken.problems.join(' ')).toMatch(/hash chain does not match/);

    const rechained = await receiptWith(20);
    const last = rechained.events.at(-1);
    if (last) last.confidence = 0.5;
    rechained.head = await receiptHead(api.ids.A.session, rechained.events);
    const differs = (await post(rechained)).json();
    expect(differs.ok).toBe(false);
    expect(differs.problems).toEqual([`event ${api.held.A.eventId} differs from what the system holds`]);
  });

  it('fails for another session’s receipt, and for one that dropped the held event', async () => {
    const other = (await post(await receiptWith(5, api.ids.B.session))).json();
    expect(other.ok).toBe(false);
    expect(other.problems).toContain('the receipt is for another session');
    const dropped = await receiptWith(5);
    dropped.events.pop();
    dropped.head = await receiptHead(api.ids.A.session, dropped.events);
    const missing = (await post(dropped)).json();
    expect(missing.problems).toEqual([
      `event ${api.held.A.eventId} is held by the system but missing from the receipt`,
    ]);
  });
});
