// The fixed cohort through every real part: candidates on the client transport → the edge in workerd → the Upstash
// shim and the Kafka REST bridge → Kafka → the processor (its own process) → Redis and MariaDB.

import { mintDevToken, type ProcessorChild, startProcessor } from '@proctor/testkit';
import { type StartedEdge, startEdge } from '@proctor/testkit/edge';
import { type TestEnv, testEnv, waitFor } from '@proctor/testkit/stack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectedWorkload, type FixedWorkloadResult, runFixedWorkload } from './fixedWorkload.ts';
import type { Behaviour } from './mix.ts';

let env: TestEnv;
let edge: StartedEdge;
let processor: ProcessorChild;
let run: FixedWorkloadResult;

const RULE_OF: Partial<Record<Behaviour, string>> = {
  lookAway: 'look_away',
  secondPerson: 'multi_person',
  cameraBlocked: 'camera_blocked',
  networkDrop: 'no_face',
};

beforeAll(async () => {
  env = await testEnv(3);
  // Tolerance 0: the tokenRefresh candidates' first token then really lapses inside a 40 s exam.
  edge = await startEdge({
    env: { KAFKA_TOPIC: env.topic, REDIS_KEY_PREFIX: env.prefix, JWT_CLOCK_TOLERANCE_SECONDS: '0' },
  });
  processor = await startProcessor(env.env);
  run = await runFixedWorkload({
    edgeUrl: edge.url,
    mintToken: (claims, expSeconds) => mintDevToken(claims, { expSeconds }),
    tokenToleranceSeconds: 0,
    mysqlUrl: env.db.url,
    runId: env.prefix,
  });
}, 240_000);

afterAll(async () => {
  await processor?.stop('SIGTERM');
  await edge?.stop();
  await env?.cleanup();
}, 60_000);

describe('the fixed cohort, end to end', () => {
  it('delivers exactly the planned events of every session, through drops, reloads and token refreshes', async () => {
    const expected = await expectedWorkload({ runId: env.prefix });
    expect(run.accepted).toEqual(expected);
    expect(run.metrics.status5xx).toBe(0);
    expect(run.metrics.errorCount()).toBe(0);
    expect(run.metrics.networkDrops).toBeGreaterThan(0);
    for (const o of run.outcomes) {
      expect(o.leftQueued).toBe(0);
      expect(o.ended).toBe(o.plan.behaviour !== 'neverEnds');
      if (o.plan.behaviour === 'tokenRefresh') expect(o.tokensMinted).toBeGreaterThanOrEqual(2);
      if (o.plan.behaviour === 'reload') expect(o.starts).toBeGreaterThanOrEqual(2);
    }
  });

  it('raises the alert each incident calls for, none for honest candidates, and measures its latency', async () => {
    const rulesOf = async (sessionId: string) => {
      const [rows] = await env.db.pool.query('SELECT rule FROM alerts WHERE session_id = ?', [sessionId]);
      return (rows as { rule: string }[]).map((r) => r.rule);
    };
    for (const o of run.outcomes) {
      const rule = RULE_OF[o.plan.behaviour];
      if (rule)
        await waitFor(
          `${rule} alert of ${o.plan.behaviour}`,
          async () => (await rulesOf(o.sessionId)).includes(rule),
          60_000,
        );
      if (o.plan.behaviour === 'honest') expect(await rulesOf(o.sessionId)).toEqual([]);
    }
    expect(run.metrics.alertLatencies.length).toBeGreaterThan(0);
    console.log(`event→alert latency ms (not asserted): ${run.metrics.alertLatencies.join(', ')}`);
  }, 90_000);

  it('leaves the sessions ended in MySQL except those that never end', async () => {
    const statuses = async () => {
      const [rows] = await env.db.pool.query('SELECT session_id, status FROM sessions');
      return new Map((rows as { session_id: string; status: string }[]).map((r) => [r.session_id, r.status]));
    };
    // The last ends were answered by the edge just now: the processor applies them within its fetch wait.
    const ending = run.outcomes.filter((o) => o.plan.ends);
    await waitFor(
      'every ending session ended',
      async () => {
        const status = await statuses();
        return ending.every((o) => status.get(o.sessionId) === 'ended');
      },
      30_000,
    ).catch(() => undefined);
    const status = await statuses();
    for (const o of run.outcomes) expect(status.get(o.sessionId)).toBe(o.plan.ends ? 'ended' : 'active');
  });
});
