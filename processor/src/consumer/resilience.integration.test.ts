// Failure behaviour against the real stack: SIGKILL mid-batch, a MySQL outage, a MySQL or Redis that hangs, two
// processors in one group.

import { sleep } from '@proctor/contracts';
import type { ProcessorChild } from '@proctor/testkit';
import { startTcpProxy } from '@proctor/testkit';
import { alertIds, committedTotal, endedSessions, produceRecords, type TestEnv, waitFor } from '@proctor/testkit/stack';
import { describe, expect, it } from 'vitest';
import { newSessions } from '../../test/events.ts';
import { processorUnderTest } from '../../test/processorUnderTest.ts';
import { expectedOutcome, interleave, sessionRecords } from '../../test/workload.ts';

const processors = processorUnderTest({ KAFKA_SESSION_TIMEOUT_MS: '6000' });
const run = (extra: Record<string, string> = {}) => processors.run(extra);
let env: TestEnv | undefined;

async function expectExactly(records: Parameters<typeof expectedOutcome>[0], sessions: number) {
  const want = await expectedOutcome(records);
  const ids = await alertIds(env!.db.pool);
  expect(ids.length).toBe(want.alertIds.size); // nothing doubled
  expect(new Set(ids)).toEqual(want.alertIds); // nothing lost
  const [rows] = await env!.db.pool.query('SELECT session_id, risk_score FROM sessions');
  expect((rows as unknown[]).length).toBe(sessions);
  for (const r of rows as { session_id: string; risk_score: string }[]) {
    expect(Number(r.risk_score)).toBeCloseTo(want.finalScores.get(r.session_id)!, 1);
  }
}

describe('processor resilience', () => {
  it('loses and doubles nothing when killed with SIGKILL mid-batch and restarted', { timeout: 120_000 }, async () => {
    env = await processors.setup(3);
    const n = 1500;
    const records = interleave((await newSessions(n)).map((s, i) => sessionRecords(s, i)));
    await produceRecords(env.producer, env.topic, records);
    const first = await run({ PROCESSOR_CHUNK_SIZE: '25', PROCESSOR_CONCURRENCY: '3' });
    const before = await waitFor(
      'some progress',
      async () => {
        const done = await first.metric('processor_messages_processed_total');
        return done > records.length * 0.15 && done;
      },
      60_000,
    );
    await first.stop('SIGKILL');
    expect(before).toBeLessThan(records.length); // it really died mid-way
    const committed = await committedTotal(env.groupId, env.topic);
    expect(committed).toBeLessThan(records.length);

    const second = await run();
    await waitFor('all sessions ended', async () => (await endedSessions(env!.db.pool)) === n, 90_000);
    await waitFor('all committed', async () => (await committedTotal(env!.groupId, env!.topic)) === records.length);
    // Events in = outcomes out: the restart gave an outcome to exactly what was not committed before the kill.
    expect(await second.metric('processor_messages_processed_total')).toBe(records.length - committed);
    await expectExactly(records, n);
  });

  it('pauses while MySQL is unreachable, then catches up with no loss', { timeout: 120_000 }, async () => {
    env = await processors.setup(2);
    const proxy = await startTcpProxy('127.0.0.1', 3306);
    processors.onCleanup(() => proxy.close());
    const url = new URL(env.db.url);
    url.port = String(proxy.port);
    const p = await run({ MYSQL_URL: url.toString() });

    const early = interleave((await newSessions(5)).map((s, i) => sessionRecords(s, i)));
    await produceRecords(env.producer, env.topic, early);
    await waitFor('early batch', async () => (await endedSessions(env!.db.pool)) === 5);
    const committedBefore = await committedTotal(env.groupId, env.topic);

    await proxy.cut();
    const late = interleave((await newSessions(20)).map((s, i) => sessionRecords(s, i + 5)));
    await produceRecords(env.producer, env.topic, late);
    await waitFor(
      'retries during the outage',
      async () => (await p.metric('processor_retries_total', { step: 'mysql_write' })) >= 2,
    );
    await sleep(2000);
    // Consumption paused: nothing past the outage was committed, and the process is alive and waiting.
    expect(await committedTotal(env.groupId, env.topic)).toBe(committedBefore);
    expect(p.child.exitCode).toBeNull();

    await proxy.restore();
    await waitFor('caught up', async () => (await endedSessions(env!.db.pool)) === 25, 60_000);
    await waitFor(
      'all committed',
      async () => (await committedTotal(env!.groupId, env!.topic)) === early.length + late.length,
    );
    await expectExactly([...early, ...late], 25);
  });

  // A dependency that accepts connections and never answers: without timeouts the partition stalls with no sign.
  it.each([
    { dependency: 'mysql', step: 'mysql_write', kind: 'query', port: 3306 },
    { dependency: 'redis', step: 'redis_load', kind: 'command', port: 6379 },
  ] as const)(
    'times out and retries a $dependency that hangs, with metrics, and then catches up with no loss',
    {
      timeout: 120_000,
    },
    async ({ dependency, step, kind, port }) => {
      env = await processors.setup(2);
      const proxy = await startTcpProxy('127.0.0.1', port);
      processors.onCleanup(() => proxy.close());
      const url = new URL(dependency === 'mysql' ? env.db.url : env.env.REDIS_URL!);
      url.port = String(proxy.port);
      const p = await run({
        [dependency === 'mysql' ? 'MYSQL_URL' : 'REDIS_URL']: url.toString(),
        MYSQL_QUERY_TIMEOUT_MS: '500',
        REDIS_COMMAND_TIMEOUT_MS: '300',
      });

      const early = interleave((await newSessions(4)).map((s, i) => sessionRecords(s, i)));
      await produceRecords(env.producer, env.topic, early);
      await waitFor('early batch', async () => (await endedSessions(env!.db.pool)) === 4);
      await waitFor('early committed', async () => (await committedTotal(env!.groupId, env!.topic)) === early.length);

      proxy.stall();
      const late = interleave((await newSessions(12)).map((s, i) => sessionRecords(s, i + 4)));
      await produceRecords(env.producer, env.topic, late);
      await waitFor(
        'timeouts counted and retried',
        async () => (await p.metric('processor_dependency_timeouts_total', { step, kind })) >= 2,
        60_000,
      );
      expect(await p.metric('processor_retries_total', { step })).toBeGreaterThanOrEqual(2);
      // Held, not skipped: nothing past the hang was committed, and the process is alive and retrying.
      expect(await committedTotal(env.groupId, env.topic)).toBe(early.length);
      expect(p.child.exitCode).toBeNull();

      proxy.unstall();
      await waitFor('caught up', async () => (await endedSessions(env!.db.pool)) === 16, 60_000);
      await waitFor(
        'all committed',
        async () => (await committedTotal(env!.groupId, env!.topic)) === early.length + late.length,
      );
      await expectExactly([...early, ...late], 16);
    },
  );

  it('crashes cleanly (exit 1, nothing committed) on an error that is not retriable', { timeout: 60_000 }, async () => {
    env = await processors.setup(1);
    await env.db.pool.query('DROP TABLE risk_snapshots'); // a schema bug: ER_NO_SUCH_TABLE is not retriable
    const records = sessionRecords((await newSessions(1))[0]!, 0);
    await produceRecords(env.producer, env.topic, records);
    const p = await processors.run({}, false); // it may crash before it reports ready
    expect(await p.exited).toBe(1);
    expect(p.logs.some((l) => l.event === 'processor_crashed')).toBe(true);
    expect(await committedTotal(env.groupId, env.topic)).toBe(0);
  });

  it('splits the partitions between two processors in one group', { timeout: 120_000 }, async () => {
    env = await processors.setup(4);
    const a = await run();
    const b = await run();
    const assignment = (p: ProcessorChild) =>
      (p.logs.filter((l) => l.event === 'consumer_group_joined').at(-1)?.assignment as Record<string, number[]>)?.[
        env!.topic
      ] ?? [];
    await waitFor(
      'both assigned',
      async () =>
        assignment(a).length > 0 && assignment(b).length > 0 && assignment(a).length + assignment(b).length === 4,
      60_000,
    );
    expect(new Set([...assignment(a), ...assignment(b)])).toEqual(new Set([0, 1, 2, 3]));

    const records = interleave((await newSessions(60)).map((s, i) => sessionRecords(s, i)));
    await produceRecords(env.producer, env.topic, records);
    await waitFor('all sessions ended', async () => (await endedSessions(env!.db.pool)) === 60, 60_000);
    await waitFor('outcomes counted', async () => {
      const sum =
        (await a.metric('processor_messages_processed_total')) + (await b.metric('processor_messages_processed_total'));
      return sum >= records.length;
    });
    const byA = await a.metric('processor_messages_processed_total');
    const byB = await b.metric('processor_messages_processed_total');
    expect(byA).toBeGreaterThan(0);
    expect(byB).toBeGreaterThan(0);
    expect(byA + byB).toBe(records.length);
    await expectExactly(records, 60);
  });
});
