// POST /events/batch in real workerd against Kafka and the Upstash shim: every form the design's walkthrough and
// integrators send becomes the one canonical Kafka record; what stays refused gets a stable code and says why.
import { EVENT_LIMITS, eventMarkField, sessionStateKey, TIMESTAMP_FORMS } from '@proctor/contracts';
import {
  type Loose,
  startedCandidate,
  WALKTHROUGH_BATCH,
  WALKTHROUGH_VARIANTS,
  walkthroughVariant,
} from '@proctor/testkit/edge';
import { useEdgeUnderTest } from '@proctor/testkit/edge/useEdgeUnderTest';
import { describe, expect, it } from 'vitest';

const h = useEdgeUnderTest();

describe('accepted forms → one canonical record', () => {
  it('writes the walkthrough, in every form, as epoch ms with typed details and nothing unknown', async () => {
    const sent: { sessionId: string; times: number[]; eventIds: string[] }[] = [];
    for (const variant of WALKTHROUGH_VARIANTS) {
      const c = await startedCandidate(h.edge.url);
      const batch = walkthroughVariant(variant, c.sessionId);
      // Unknown keys an integrator may add, in details and on the event: accepted, dropped.
      const body = JSON.parse(batch.body);
      body.events[0].details.gaze = { x: 1 };
      body.events[1].clientVersion = '9.9';
      const reply = await c.callRetrying('/events/batch', body);
      expect([variant, reply.status, reply.json]).toEqual([variant, 200, { accepted: 2, duplicates: 0, rejected: [] }]);
      sent.push({ sessionId: c.sessionId, times: batch.times, eventIds: batch.eventIds });
    }
    const records = await h.topic.readAll(sent.length * 2 + sent.length, { lingerMs: 500 });
    for (const s of sent) {
      const events = records
        .map((r) => r.value as Loose)
        .filter((v) => v.kind === 'event' && v.sessionId === s.sessionId)
        .map((v) => v.event)
        .sort((a, b) => a.timestamp - b.timestamp);
      expect(events).toEqual([
        {
          eventId: s.eventIds[0],
          type: 'LOOK_AWAY',
          timestamp: s.times[0],
          confidence: 0.93,
          details: { durationMillis: 2000 },
        },
        { eventId: s.eventIds[1], type: 'MULTI_PERSON', timestamp: s.times[1], confidence: 0.99, details: {} },
      ]);
    }
  }, 90_000);

  it('dedupes free-form ids exactly (case-sensitive, up to 128 characters) in the marks hash', async () => {
    const c = await startedCandidate(h.edge.url);
    const long = `a.b_c:d-${'x'.repeat(120)}`;
    const ids = ['evt-1', 'EVT-1', long];
    const event = (eventId: string) => ({
      eventId,
      type: 'MULTI_PERSON',
      timestamp: new Date().toISOString(),
      confidence: 0.9,
      details: {},
    });
    const first = await c.callRetrying('/events/batch', { sessionId: c.sessionId, events: ids.map(event) });
    expect(first.json).toEqual({ accepted: 3, duplicates: 0, rejected: [] });
    const again = await c.callRetrying('/events/batch', {
      sessionId: c.sessionId,
      events: [...ids, 'evt-2'].map(event),
    });
    expect(again.json).toEqual({ accepted: 1, duplicates: 3, rejected: [] });
    // The test's Upstash client does not deserialize: HGETALL comes back as [field, value, field, value, …].
    const flat = (await h.redis.hgetall(sessionStateKey(c.sessionId, h.prefix))) as unknown as string[];
    const marks = Object.fromEntries(
      flat.flatMap((v, i) => (i % 2 === 0 && v.startsWith('m:') ? [[v, flat[i + 1]]] : [])),
    );
    expect(marks).toEqual(Object.fromEntries([...ids, 'evt-2'].map((id) => [eventMarkField(id), 'd'])));
  });

  it('documents the walkthrough (dated now) as the batch example, and the example is accepted as is', async () => {
    const doc = (await (await fetch(`${h.edge.url}/openapi.json`)).json()) as Loose;
    const media = doc.paths['/events/batch'].post.requestBody.content['application/json'];
    // Each event is documented by reference: the batch parses them one by one, against this one schema.
    expect(media.schema.properties.events.items).toEqual({ $ref: '#/components/schemas/AnomalyEvent' });
    const timestamp = JSON.stringify(doc.components.schemas.AnomalyEvent.oneOf[0].properties.timestamp);
    expect(timestamp).toContain('"format":"date-time"');
    expect(timestamp).toContain('"type":"integer"');
    const [iso, epoch] = [media.examples.example1.value, media.examples.example2.value];
    const shape = (b: Loose) => b.events.map((e: Loose) => [e.eventId, e.type, e.confidence, e.details]);
    expect(shape(iso)).toEqual(shape(JSON.parse(WALKTHROUGH_BATCH)));
    expect(typeof epoch.events[0].timestamp).toBe('number');
    for (const example of [iso, epoch]) {
      const c = await startedCandidate(h.edge.url);
      const reply = await c.callRetrying('/events/batch', { ...example, sessionId: c.sessionId });
      expect(reply.json).toEqual({ accepted: 2, duplicates: 0, rejected: [] });
    }
  });
});

describe('refused forms', () => {
  const now = Date.now();
  const ok = { eventId: 'ok-1', type: 'MULTI_PERSON', timestamp: new Date(now).toISOString(), confidence: 0.9 };
  // [what, event, code, message must contain]
  const table: [string, Record<string, unknown>, string, string][] = [
    [
      'the walkthrough as dated (months old)',
      { timestamp: '2026-01-28T10:00:00Z' },
      'EVENT_TOO_OLD',
      'accepted age of 6 h',
    ],
    ['just past the accepted age', { timestamp: now - EVENT_LIMITS.maxEventAgeMs - 60_000 }, 'EVENT_TOO_OLD', '6 h'],
    ['an ISO date-time before 2020', { timestamp: '2019-06-01T00:00:00Z' }, 'EVENT_TOO_OLD', '6 h'],
    ['ahead of the clock', { timestamp: now + 10 * 60_000 }, 'TIMESTAMP_OUT_OF_RANGE', '60 s ahead'],
    ['past the range of Date', { timestamp: Number.MAX_SAFE_INTEGER }, 'TIMESTAMP_OUT_OF_RANGE', '60 s ahead'],
    ['the year 9999', { timestamp: '9999-12-31T23:59:59Z' }, 'TIMESTAMP_OUT_OF_RANGE', '60 s ahead'],
    ['a date-time without a zone', { timestamp: '2026-01-28T10:00:00' }, 'INVALID_TIMESTAMP', TIMESTAMP_FORMS],
    ['a date only', { timestamp: '2026-01-28' }, 'INVALID_TIMESTAMP', TIMESTAMP_FORMS],
    ['a day that does not exist', { timestamp: '2026-02-30T10:00:00Z' }, 'INVALID_TIMESTAMP', TIMESTAMP_FORMS],
    ['epoch seconds', { timestamp: Math.floor(now / 1000) }, 'INVALID_TIMESTAMP', 'seconds instead of milliseconds'],
    ['words', { timestamp: 'now' }, 'INVALID_TIMESTAMP', TIMESTAMP_FORMS],
    ['no timestamp', { timestamp: undefined }, 'INVALID_TIMESTAMP', TIMESTAMP_FORMS],
    ['an eventId with a space', { eventId: 'evt 1' }, 'INVALID_EVENT_ID', '1–128 characters'],
    ['an eventId of 129 characters', { eventId: 'x'.repeat(129) }, 'INVALID_EVENT_ID', '1–128 characters'],
    ['an empty eventId', { eventId: '' }, 'INVALID_EVENT_ID', '1–128 characters'],
    ['a numeric eventId', { eventId: 7 }, 'INVALID_EVENT_ID', 'eventId'],
    [
      'LOOK_AWAY without its length',
      { type: 'LOOK_AWAY', details: { direction: 'LEFT' } },
      'INVALID_EVENT',
      'details.durationMillis',
    ],
    ['NO_FACE without details', { type: 'NO_FACE' }, 'INVALID_EVENT', 'details'],
    ['MULTI_PERSON of one face', { details: { faceCount: 1 } }, 'INVALID_EVENT', 'details.faceCount'],
    ['an unknown type', { type: 'PHONE_SEEN' }, 'INVALID_EVENT', 'type'],
    ['confidence above 1', { confidence: 1.5 }, 'INVALID_EVENT', 'confidence'],
  ];

  it('answers 200 with one stable code per refused event, and still accepts the good one', async () => {
    const c = await startedCandidate(h.edge.url);
    const events = [ok, ...table.map(([, patch], i) => ({ ...ok, eventId: `bad-${i}`, ...patch }))];
    const reply = await c.callRetrying('/events/batch', { sessionId: c.sessionId, events });
    expect(reply.status).toBe(200);
    expect(reply.json.accepted).toBe(1);
    const got = reply.json.rejected.map((r: Loose) => [table[r.index - 1]?.[0], r.code]);
    expect(got).toEqual(table.map(([what, , code]) => [what, code]));
    for (const r of reply.json.rejected as Loose[]) {
      const [what, patch, , says] = table[r.index - 1]!;
      expect(r.message, what).toContain(says);
      const sentId = 'eventId' in patch ? patch.eventId : `bad-${r.index - 1}`;
      if (typeof sentId === 'string' && sentId) expect(r.eventId).toBe(sentId.slice(0, 128));
      else expect(r.eventId).toBeUndefined();
    }
  });

  it('never answers 5xx to a bad envelope: stable 4xx codes', async () => {
    const c = await startedCandidate(h.edge.url);
    const cases: [unknown, number, string][] = [
      ['{"sessionId":', 400, 'MALFORMED_JSON'],
      [{ sessionId: c.sessionId, events: 'evt-1' }, 400, 'VALIDATION_FAILED'],
      [{ sessionId: c.sessionId, events: [] }, 400, 'VALIDATION_FAILED'],
      [{ sessionId: '<session_id>', events: [ok] }, 400, 'VALIDATION_FAILED'],
      [WALKTHROUGH_BATCH, 400, 'VALIDATION_FAILED'],
    ];
    for (const [body, status, code] of cases) {
      const reply = await c.call('/events/batch', body);
      expect([body, reply.status, reply.json?.error?.code]).toEqual([body, status, code]);
    }
  });
});
