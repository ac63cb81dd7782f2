// The errors of the /api routes of the built dashboard: each bad request gets a 4xx with its stable code and a
// message that says how to fix it (never a 5xx): validation, JSON, media types, body limits, methods, rate limits.
import { describe, expect, it } from 'vitest';
import { RECEIPT_CHECKS_PER_MINUTE, RECEIPT_MAX_EVENTS } from '../../src/server/receipt/boundedReceipt.ts';
import { bearer, useApiDashboard } from './apiFixture.ts';

const api = useApiDashboard('api-errors');
const { dash } = api;

const asA = async () => bearer(await api.token(api.A));
const review = () => `/api/alerts/${api.ids.A.alert}/review`;
const code = (res: { status: number; json: () => { error: { code: string } } }) => [res.status, res.json().error.code];

describe('validation', () => {
  it('a dismissal without a note says how to fix it', async () => {
    const res = await api.call({ method: 'POST', path: review(), body: { action: 'dismiss' } }, await asA());
    expect(code(res)).toEqual([400, 'VALIDATION_FAILED']);
    expect(res.json().error.message).toMatch(/note: a dismissal needs a note/);
  });

  it('an unknown filter value names the allowed ones (list and stream)', async () => {
    for (const path of ['/api/schedules/exam-a/sessions?rule=cheating', '/api/schedules/exam-a/stream?rule=cheating']) {
      const res = await api.call({ method: 'GET', path }, await asA());
      expect(code(res)).toEqual([400, 'VALIDATION_FAILED']);
      expect(res.json().error.message).toMatch(/rule: .*look_away/);
    }
  });

  it('a stream resumed from an id it never sent is refused', async () => {
    const res = await api.call(
      { method: 'GET', path: '/api/schedules/exam-a/stream' },
      { ...(await asA()), 'last-event-id': 'not-a-seq' },
    );
    expect(code(res)).toEqual([400, 'VALIDATION_FAILED']);
  });

  it('an audit page cursor that no page gave is refused', async () => {
    const res = await api.call(
      { method: 'GET', path: `/api/sessions/${api.ids.A.session}/audit?before=x` },
      await asA(),
    );
    expect(code(res)).toEqual([400, 'VALIDATION_FAILED']);
  });

  it('a schedule policy of something that is not a schedule id is refused', async () => {
    const admin = bearer(await api.token(api.A, 'admin'));
    const res = await api.call({ method: 'GET', path: '/api/admin/schedules/%20bad%20/policy' }, admin);
    expect(code(res)).toEqual([400, 'VALIDATION_FAILED']);
  });

  it('a policy save from an old version is a 409 with the current one', async () => {
    const admin = bearer(await api.token(api.A, 'admin'));
    const body = { policy: {}, expectedVersion: 0 };
    await api.call({ method: 'POST', path: '/api/admin/policy', body }, admin);
    const again = await api.call({ method: 'POST', path: '/api/admin/policy', body }, admin);
    expect(code(again)).toEqual([409, 'POLICY_VERSION_CONFLICT']);
    expect(again.json().error.details.currentVersion).toBeGreaterThan(0);
  });
});

describe('bodies', () => {
  it('malformed JSON is 400 MALFORMED_JSON, another media type 415', async () => {
    const malformed = await api.call({ method: 'POST', path: review(), body: '{"action":' }, await asA());
    expect(code(malformed)).toEqual([400, 'MALFORMED_JSON']);
    const text = await api.call(
      { method: 'POST', path: review(), body: 'acknowledge', contentType: 'text/plain' },
      await asA(),
    );
    expect(code(text)).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
  });

  it('each route has its own limit: a review over 8 KiB is 413, a receipt of 300 events is not', async () => {
    const long = await api.call(
      { method: 'POST', path: review(), body: { action: 'acknowledge', note: 'x'.repeat(9000) } },
      await asA(),
    );
    expect(code(long)).toEqual([413, 'PAYLOAD_TOO_LARGE']);
    expect(long.json().error.message).toContain(String(8 * 1024));
  });

  it('a receipt: malformed 400, not a receipt 400, over 2 MiB 413, too many events 413', async () => {
    const path = `/api/sessions/${api.ids.A.session}/receipt`;
    const post = async (body: unknown) => api.call({ method: 'POST', path, body }, await asA());
    expect(code(await post('{"version":1,'))).toEqual([400, 'MALFORMED_JSON']);
    expect(code(await post({ version: 2, events: 'none' }))).toEqual([400, 'VALIDATION_FAILED']);
    const receipt = { version: 1, sessionId: api.ids.A.session, head: '0'.repeat(64) };
    const huge = {
      ...receipt,
      events: Array.from({ length: 15_000 }, (_, i) => ({ eventId: `e-${i}`, pad: 'x'.repeat(150) })),
    };
    expect(JSON.stringify(huge).length).toBeGreaterThan(2 * 1024 * 1024);
    expect(code(await post(huge))).toEqual([413, 'PAYLOAD_TOO_LARGE']);
    const many = await post({ ...receipt, events: Array.from({ length: RECEIPT_MAX_EVENTS + 1 }, () => ({})) });
    expect(code(many)).toEqual([413, 'RECEIPT_TOO_MANY_EVENTS']);
    expect(many.json().error.message).toContain(String(RECEIPT_MAX_EVENTS));
  });
});

describe('methods and paths', () => {
  it('a known path asked with another method is 405 with Allow; an unknown path 404', async () => {
    const put = await api.call({ method: 'POST', path: '/api/me' } as never, await asA());
    expect(code(put)).toEqual([405, 'METHOD_NOT_ALLOWED']);
    expect(put.headers.get('allow')).toBe('GET, HEAD');
    const none = await api.call({ method: 'GET', path: '/api/nothing-here' }, await asA());
    expect(code(none)).toEqual([404, 'NOT_FOUND']);
  });
});

describe('rate limits', () => {
  it(`allows one proctor ${RECEIPT_CHECKS_PER_MINUTE} receipt checks a minute, then 429 RATE_LIMITED with Retry-After`, async () => {
    const flooder = bearer(await dash.issuer.proctor(api.A, 'receipt-flooder'));
    const body = { version: 1, sessionId: api.ids.A.session, events: [], head: '0'.repeat(64) };
    const check = () => api.call({ method: 'POST', path: `/api/sessions/${api.ids.A.session}/receipt`, body }, flooder);
    for (let i = 0; i < RECEIPT_CHECKS_PER_MINUTE; i++) expect((await check()).status).toBe(200);
    const refused = await check();
    expect(code(refused)).toEqual([429, 'RATE_LIMITED']);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    // Another proctor's checks are not held back by this one.
    expect(
      (await api.call({ method: 'POST', path: `/api/sessions/${api.ids.A.session}/receipt`, body }, await asA()))
        .status,
    ).toBe(200);
  });
});
