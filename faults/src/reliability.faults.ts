// `npm run test:faults`: the control run, then each fault under the same deterministic cohort, every accepted event
// counted back and compared with the control; the faults table at the end (also written to test-output/faults.md).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ALERTING, type Behaviour } from '@proctor/cohort';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SINGLE_NODE_CASES } from './cases.ts';
import { startWorld, type World } from './chain.ts';
import { CLUSTER_CASES, startClusterWorld } from './clusterCases.ts';
import { type FaultRow, faultsTable, type Tally } from './compare.ts';
import { runCase } from './runCase.ts';

const RULE_OF: Partial<Record<Behaviour, string>> = {
  lookAway: 'look_away',
  secondPerson: 'multi_person',
  cameraBlocked: 'camera_blocked',
  networkDrop: 'no_face',
  neverEnds: 'connection_lost',
};

let world: World;
let control: Tally | undefined;
const rows: FaultRow[] = [];
const suiteStarted = Date.now();

beforeAll(async () => {
  world = await startWorld();
});

afterAll(async () => {
  const minutes = ((Date.now() - suiteStarted) / 60_000).toFixed(1);
  const table = faultsTable(rows);
  console.log(`\nfaults (${minutes} min in all):\n${table}\n`);
  const out = join(import.meta.dirname, '..', '..', 'test-output');
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'faults.md'), `${table}\n\nSuite time: ${minutes} min.\n`);
  await world?.stop();
});

describe('faults under the cohort load', () => {
  it('control run: the fixed workload, no fault, gives the expected result', async () => {
    const r = await runCase(world, undefined, undefined);
    rows.push(r.row);
    const planned = r.run.outcomes.reduce((n, o) => n + o.plan.actions.filter((a) => a.kind === 'event').length, 0);
    expect(r.tally.accepted).toBe(planned);
    expect(r.tally.inKafka).toBe(r.tally.accepted);
    expect(r.tally.unapplied).toEqual([]);
    expect(r.tally.applied).toBe(r.tally.accepted);
    expect(r.tally.deadLettered).toBe(0);
    for (const o of r.run.outcomes) {
      const s = r.tally.sessions.get(o.plan.index);
      expect(s?.status, `session of ${o.plan.behaviour}`).toBe(o.plan.ends ? 'ended' : 'active');
      const rule = RULE_OF[o.plan.behaviour];
      if (rule) expect(s?.alerts.get(rule), `${rule} of ${o.plan.behaviour}`).toBeGreaterThan(0);
      if (o.plan.behaviour === 'honest') expect([...(s?.alerts.keys() ?? [])]).toEqual([]);
      if (ALERTING.has(o.plan.behaviour)) expect(s?.risk).toBeGreaterThan(0);
    }
    control = r.tally;
  });

  for (const make of SINGLE_NODE_CASES) {
    const fault = make();
    it(fault.name, async () => {
      if (!control) throw new Error('the control run failed: nothing to compare with');
      const r = await runCase(world, fault, control);
      rows.push(r.row);
      expect(r.problems).toEqual([]);
      expect(r.row.recoveryMs).toBeDefined();
    });
  }
});

describe('faults on the cluster stack (3 brokers, Redis Cluster 3 + 3)', () => {
  let cluster: World | undefined;
  beforeAll(async () => {
    cluster = await startClusterWorld(world);
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  for (const make of CLUSTER_CASES) {
    const fault = make();
    it(fault.name, async () => {
      if (!control) throw new Error('the control run failed: nothing to compare with');
      const r = await runCase(cluster!, fault, control);
      rows.push(r.row);
      expect(r.problems).toEqual([]);
      expect(r.row.recoveryMs).toBeDefined();
    });
  }
});
