// The liveness sweep against real Redis, Kafka and MariaDB: each lapse claimed once, published as a record, and
// alerted once by the consumer, even when a sweeper is killed between its claim and its produce.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import {
  createLogger,
  LIVENESS_SHARDS,
  livenessClaimsKey,
  livenessKey,
  livenessShard,
  produceFailuresKey,
} from '@proctor/contracts';
import { produceRecords, type TestEnv, waitFor } from '@proctor/testkit/stack';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { newSessions, startedRecord, type TestSession } from '../../test/events.ts';
import { processorUnderTest } from '../../test/processorUnderTest.ts';
import { randomSessionId } from '../../test/workload.ts';
import { createMetrics } from '../ops/metrics.ts';
import { createProduceFailureReader, type ReadProduceFailures } from './produceFailures.ts';
import { createRecordPublisher } from './publish.ts';
import { createLivenessSweeper, type PublishRecords } from './sweeper.ts';

const processors = processorUnderTest();
const SHARD = 7;
const LEASE_MS = 30_000;
const CHILD = fileURLToPath(new URL('../../test/sweeperChild.ts', import.meta.url));

/** A session id whose liveness shard is SHARD. */
function idInShard(): string {
  for (;;) {
    const id = randomSessionId();
    if (livenessShard(id) === SHARD) return id;
  }
}

function sweeper(
  env: TestEnv,
  at: number,
  publish: PublishRecords = createRecordPublisher(env.producer, env.topic),
  produceFailures?: ReadProduceFailures,
) {
  return createLivenessSweeper({
    produceFailures,
    redis: env.redis,
    prefix: env.prefix,
    publish,
    metrics: createMetrics(new Registry()),
    log: createLogger('error'),
    intervalMs: 1000,
    shardsPerTick: LIVENESS_SHARDS,
    limit: 100,
    leaseMs: LEASE_MS,
    now: () => at,
  });
}

/** A session of `tenant` whose liveness shard is SHARD (its id derived, so the consumer applies its start). */
async function sessionInShard(tenant: string): Promise<TestSession> {
  for (;;) {
    const [session] = await newSessions(1, tenant);
    if (livenessShard(session!.sessionId) === SHARD) return session!;
  }
}

/** A started session the consumer has applied, and a running processor (its own sweep off). */
async function knownSession(env: TestEnv, tenant: string) {
  const session = await sessionInShard(tenant);
  const id = session.sessionId;
  await produceRecords(env.producer, env.topic, [startedRecord(undefined, session)]);
  const p = await processors.run();
  await waitFor('session row', async () => {
    const [rows] = await env.db.pool.query('SELECT 1 FROM sessions WHERE session_id = ?', [id]);
    return (rows as unknown[]).length === 1;
  });
  return { id, p };
}

async function alertsOf(env: TestEnv) {
  const [rows] = await env.db.pool.query('SELECT session_id, rule, tenant_id, window_end FROM alerts');
  return rows as { session_id: string; rule: string; tenant_id: string; window_end: Date }[];
}

describe('liveness sweep', () => {
  it('claims each lapse once across two sweepers; the consumer writes the one connection-lost alert', async () => {
    const env = await processors.setup(1);
    const { id: known, p } = await knownSession(env, 'tenant-sweep');
    const [alive, unknown] = [idInShard(), idInShard()];
    const now = Date.now();
    const key = livenessKey(SHARD, env.prefix);
    await env.redis.zadd(key, now - 5000, known);
    await env.redis.zadd(key, now + 60_000, alive);
    await env.redis.zadd(key, now - 1000, unknown);

    const claimed = await Promise.all([
      sweeper(env, now).sweepShard(SHARD, now),
      sweeper(env, now).sweepShard(SHARD, now),
    ]);
    expect(claimed.reduce((a, b) => a + b, 0)).toBe(2); // known + unknown, each by exactly one sweeper
    expect(await env.redis.zrange(key, '0', '-1')).toEqual([alive]);
    expect(await env.redis.zcard(livenessClaimsKey(SHARD, env.prefix))).toBe(0); // released after the ack

    await waitFor(
      'unknown lapse dropped',
      async () => (await p.metric('processor_messages_processed_total', { reason: 'unknown_session' })) === 1,
    );
    await waitFor('alert', async () => (await alertsOf(env)).length > 0);
    expect(await alertsOf(env)).toEqual([
      { session_id: known, rule: 'connection_lost', tenant_id: 'tenant-sweep', window_end: new Date(now - 5000) },
    ]);
    const [snaps] = await env.db.pool.query('SELECT score, contributions FROM risk_snapshots WHERE score > 0');
    expect(snaps).toEqual([{ score: '25.00', contributions: [{ rule: 'connection_lost', points: 25 }] }]);
  });

  it('loses nothing when a sweeper is killed between claim and produce, and alerts exactly once', async () => {
    const env = await processors.setup(1);
    const { id, p } = await knownSession(env, 'tenant-crash');
    const now = Date.now();
    const deadline = now - 5000;
    await env.redis.zadd(livenessKey(SHARD, env.prefix), deadline, id);

    // A real process, SIGKILLed by its own publish step: after the claim, before anything reached Kafka.
    const child = spawn(process.execPath, [CHILD], {
      env: {
        ...process.env,
        ...env.env,
        SWEEP_SHARD: String(SHARD),
        SWEEP_AT: String(now),
        SWEEP_LEASE_MS: String(LEASE_MS),
      },
      stdio: 'inherit',
    });
    const signal = await new Promise((resolve) => child.once('exit', (_code, sig) => resolve(sig)));
    expect(signal).toBe('SIGKILL');
    expect(await env.redis.zcard(livenessKey(SHARD, env.prefix))).toBe(0);
    const claimsKey = livenessClaimsKey(SHARD, env.prefix);
    expect(await env.redis.zrange(claimsKey, '0', '-1')).toEqual([`${id}:${deadline}`]); // the claim outlived it

    // Within the lease the claim is still the dead sweeper's; after it, the next sweep takes it over.
    expect(await sweeper(env, now + 1000).sweepShard(SHARD, now + 1000)).toBe(0);
    const later = now + LEASE_MS + 1;
    // This one dies right after Kafka acknowledged (before the release): the lapse is published a second time.
    const real = createRecordPublisher(env.producer, env.topic);
    const diesAfterAck: PublishRecords = async (r) => {
      await real(r);
      throw new Error('killed after the ack');
    };
    await expect(sweeper(env, later, diesAfterAck).sweepShard(SHARD, later)).rejects.toThrow('killed after the ack');
    expect(await sweeper(env, later + 1).sweepShard(SHARD, later + 1)).toBe(1);
    expect(await env.redis.zcard(claimsKey)).toBe(0);

    await waitFor(
      'both records applied',
      async () => (await p.metric('processor_messages_processed_total', { reason: 'connection_lost_repeat' })) === 1,
    );
    expect(await alertsOf(env)).toEqual([
      { session_id: id, rule: 'connection_lost', tenant_id: 'tenant-crash', window_end: new Date(deadline) },
    ]);
    const [sessions] = await env.db.pool.query('SELECT risk_score FROM sessions WHERE session_id = ?', [id]);
    expect(sessions).toEqual([{ risk_score: '25.00' }]); // the repeat added no second score
  });

  it('holds a lapse back while the edge could not produce, and claims it once the clients had their grace', async () => {
    const env = await processors.setup(1);
    const { id, p } = await knownSession(env, 'tenant-outage');
    const now = Date.now();
    // Silent since 50 s ago: its deadline (window 45 s) passed 5 s ago, by the clock.
    const deadline = now - 5000;
    const key = livenessKey(SHARD, env.prefix);
    await env.redis.zadd(key, deadline, id);
    const failuresAt = (at: number) =>
      createProduceFailureReader({
        shards: [env.redis],
        prefix: env.prefix,
        log: createLogger('error'),
        cacheMs: 0,
        now: () => at,
      });
    // Nothing noted: the reader changes nothing.
    expect(await sweeper(env, now, undefined, failuresAt(now)).cutoffAt(now)).toBe(now);

    // The edge noted its produce path failing from 30 s ago to 2 s ago (as edge/src/kafka/outageNotes.ts writes).
    const outage = Array.from({ length: 28 }, (_, i) => Math.floor((now - 30_000) / 1000) + i);
    await env.redis.zadd(produceFailuresKey(env.prefix), ...outage.flatMap((s) => [s, String(s)]));
    // Blocked: 28–30 s of outage + 1 s + 15 s of grace, ending 13–14 s from now: the lapse is claimed 43–45 s late.
    for (const at of [now, now + 20_000, now + 37_000]) {
      await sweeper(env, at, undefined, failuresAt(at)).tick();
      expect(await env.redis.zrange(key, '0', '-1')).toEqual([id]);
    }
    const later = now + 41_000;
    await sweeper(env, later, undefined, failuresAt(later)).tick();
    expect(await env.redis.zcard(key)).toBe(0);
    await waitFor('alert', async () => (await alertsOf(env)).length > 0);
    expect(await alertsOf(env)).toEqual([
      { session_id: id, rule: 'connection_lost', tenant_id: 'tenant-outage', window_end: new Date(deadline) },
    ]);
    expect(await p.metric('processor_messages_processed_total', { reason: 'unknown_session' })).toBe(0);
  });
});
