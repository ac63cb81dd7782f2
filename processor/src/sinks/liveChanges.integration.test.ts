// The change notice after a commit, against real MariaDB and Redis: one stream entry per write, grouped by tenant
// and schedule, naming the sessions and alerts written; a session's schedule comes from its start record or, for a
// session started in an earlier chunk, from its row; a session with no row is named nowhere.
import { type Alert, deriveAlertId, EXAM_CONFIG_DEFAULTS, liveChangesKey, parseLiveChanges } from '@proctor/contracts';
import { dropPrefix, freshDatabase, type TestDb } from '@proctor/testkit';
import { newRedis, randomName } from '@proctor/testkit/stack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLiveChangePublisher, withLiveChanges } from './liveChanges.ts';
import { type ChunkWrites, createMysqlPool, createMysqlSink, type SessionStartRow } from './mysqlSink.ts';

const redis = newRedis();
const prefix = randomName('plive');
let db: TestDb;
let pool: ReturnType<typeof createMysqlPool>;

beforeAll(async () => {
  db = await freshDatabase();
  pool = createMysqlPool(db.url, 2);
});
afterAll(async () => {
  await pool?.end();
  await db?.drop();
  await dropPrefix(redis, prefix);
  redis.disconnect();
});

const T = 1_767_300_000_000;
const sid = (n: number) => n.toString(16).padStart(64, 'a');
const start = (n: number, tenantId: string, scheduleId: string): SessionStartRow => ({
  sessionId: sid(n),
  tenantId,
  receivedAt: T,
  session: {
    examScheduleId: scheduleId,
    userId: `u${n}`,
    attemptNo: 1,
    examConfig: { ...EXAM_CONFIG_DEFAULTS },
    startedAt: T,
  },
});
async function alert(n: number, tenantId: string): Promise<Alert> {
  return {
    alertId: await deriveAlertId(sid(n), 'look_away', n),
    tenantId,
    sessionId: sid(n),
    rule: 'look_away',
    severity: 'high',
    windowStart: T,
    windowEnd: T + 30_000,
    evidence: [],
    confidence: 0.9,
    explanation: 'looking away',
    status: 'open',
    createdAt: T,
  };
}
const empty = (): ChunkWrites => ({ starts: [], alerts: [], snapshots: [], updates: [] });
const entries = async () =>
  ((await redis.xrange(liveChangesKey(prefix), '-', '+')) as [string, string[]][]).map(([, f]) => parseLiveChanges(f));

describe('live change notices', () => {
  it('names, per tenant and schedule, what each commit wrote', async () => {
    const sink = withLiveChanges(createMysqlSink(pool), createLiveChangePublisher(redis, prefix, pool));
    const a1 = await alert(1, 'ta');
    await sink.write({ ...empty(), starts: [start(1, 'ta', 'x'), start(2, 'ta', 'y')], alerts: [a1] });
    // A later chunk, to a publisher that never saw the starts (another processor): schedules come from the rows.
    const later = withLiveChanges(createMysqlSink(pool), createLiveChangePublisher(redis, prefix, pool));
    const a2 = await alert(2, 'ta');
    const orphan = await alert(9, 'ta');
    await later.write({
      ...empty(),
      alerts: [a2, orphan],
      updates: [{ sessionId: sid(1), lastSeenAt: T + 1000, riskScore: 5, endedAt: undefined }],
    });
    await later.write(empty());

    const [first, second, ...rest] = await entries();
    expect(rest).toEqual([]);
    expect(first).toEqual(
      expect.arrayContaining([
        { tenantId: 'ta', scheduleId: 'x', sessionIds: [sid(1)], alertIds: [a1.alertId] },
        { tenantId: 'ta', scheduleId: 'y', sessionIds: [sid(2)], alertIds: [] },
      ]),
    );
    expect(second).toEqual(
      expect.arrayContaining([
        { tenantId: 'ta', scheduleId: 'x', sessionIds: [sid(1)], alertIds: [] },
        { tenantId: 'ta', scheduleId: 'y', sessionIds: [sid(2)], alertIds: [a2.alertId] },
      ]),
    );
    expect(second).toHaveLength(2);
  });
});
