// The faults, one object each: what the case puts in place, what it breaks mid-exam, how it repairs it, and the
// trace it must leave (a fault that did not bite proves nothing).
import { sleep } from '@proctor/contracts';
import { startService, stopService } from '@proctor/infra/stack/control';
import type { ProcessorChild } from '@proctor/testkit';
import { startTcpProxy, type TcpProxy } from '@proctor/testkit';
import { PORTS } from './ports.ts';
import { type FaultCase, OUTAGE_MS } from './runCase.ts';

const viaPort = (url: string, port: number) => {
  const u = new URL(url);
  u.port = String(port);
  return u.toString();
};

async function metricSum(processors: ProcessorChild[], name: string, labels: Record<string, string> = {}) {
  let n = 0;
  for (const p of processors)
    if (p.child.exitCode === null && p.child.signalCode === null) n += await p.metric(name, labels);
  return n;
}

/**
 * kill -9 one of two processors in one group while a chunk of its is in flight. Its MySQL goes through a proxy
 * that is stalled first, so the kill provably lands mid-chunk: records fetched and applied to state in memory, the
 * MySQL transaction open, nothing committed. The other processor takes its partitions after the session timeout.
 */
function processorKilled(): FaultCase {
  let proxy: TcpProxy | undefined;
  return {
    name: 'kill -9 a processor mid-chunk',
    chain: { partitions: 6, processors: 2 },
    async arrange() {
      proxy = await startTcpProxy('127.0.0.1', PORTS.mariadb, PORTS.mysqlProxy);
      return {
        processorEnv: (i, chain): Record<string, string> =>
          i === 0 ? { MYSQL_URL: viaPort(chain.dbUrl, PORTS.mysqlProxy), MYSQL_QUERY_TIMEOUT_MS: '1000' } : {},
        teardown: async () => proxy?.close(),
      };
    },
    async inject({ chain }) {
      const victim = chain.processors[0]!;
      const seen = victim.logs.length;
      proxy!.stall();
      // Its next chunk now hangs on the MySQL write; the query timeout turns that into a logged retry.
      const deadline = Date.now() + 20_000;
      let midChunk = false;
      while (!midChunk && Date.now() < deadline) {
        midChunk = victim.logs.slice(seen).some((l) => l.event === 'sink_retry' && l.step === 'mysql_write');
        if (!midChunk) await sleep(50);
      }
      const at = Date.now();
      await victim.stop('SIGKILL');
      return {
        at,
        recoverFrom: 'inject',
        holdMs: 0,
        note: midChunk ? 'killed inside a chunk' : 'no chunk was in flight within 20 s',
        repair: async () => proxy!.unstall(),
      };
    },
    async bit({ chain }) {
      const [victim, survivor] = chain.processors;
      if (victim!.child.signalCode !== 'SIGKILL') return 'the victim was not killed';
      if (!victim!.logs.some((l) => l.event === 'sink_retry' && l.step === 'mysql_write'))
        return 'the victim was not inside a chunk when killed';
      const join = survivor!.logs.filter((l) => l.event === 'consumer_group_joined').at(-1);
      const held = (join?.assignment as Record<string, number[]> | undefined)?.[chain.topic]?.length ?? 0;
      return held === 6 ? undefined : `the survivor holds ${held} of 6 partitions`;
    },
  };
}

/** The private mariadbd stopped (a clean shutdown) for 30 s, then started on the same datadir. */
function mysqlStopped(): FaultCase {
  return {
    name: 'MySQL stopped 30 s',
    chain: { partitions: 6, processors: 1 },
    async inject({ world }) {
      await world.mariadb.stop('SIGTERM');
      return { holdMs: OUTAGE_MS, repair: () => world.mariadb.start() };
    },
    async bit({ chain }) {
      const retries = await metricSum(chain.processors, 'processor_retries_total', { step: 'mysql_write' });
      return retries > 0 ? undefined : 'the processor never retried a MySQL write';
    },
  };
}

/** The stack's Kafka REST bridge stopped for 30 s: the edge answers 503 + Retry-After, the clients queue. */
function bridgeStopped(): FaultCase {
  return {
    name: 'Kafka REST bridge stopped 30 s',
    chain: { partitions: 6, processors: 1 },
    async inject() {
      await stopService('bridge');
      return {
        holdMs: OUTAGE_MS,
        repair: async () => {
          await startService('bridge');
        },
      };
    },
    async bit({ probe }) {
      const n = probe.answers.get('/events/batch 503') ?? 0;
      return n > 0 ? undefined : 'the edge never answered an event batch with 503';
    },
    describe: ({ probe }) =>
      `${probe.answers.get('/events/batch 503') ?? 0} batches and ${(probe.answers.get('/sessions/start 503') ?? 0) + (probe.answers.get('/sessions/end 503') ?? 0)} starts/ends answered 503 + Retry-After`,
    // Heartbeats reach the processor's liveness through Kafka: with the REST proxy down for 30 s no heartbeat arrives,
    // and the control comparison fails on any connection_lost the outage fakes (the edge notes its failing seconds
    // and the sweeper holds lapses back by them: contracts/src/ingestOutage.ts).
  };
}

/** A network partition between the processor and Redis: a proxy that accepts and drops everything, for 30 s. */
function redisPartitioned(): FaultCase {
  let proxy: TcpProxy | undefined;
  return {
    name: 'processor ↔ Redis partition 30 s',
    chain: { partitions: 6, processors: 1 },
    async arrange(world) {
      proxy = await startTcpProxy('127.0.0.1', Number(new URL(world.redisUrl).port), PORTS.redisProxy);
      return {
        processorEnv: () => ({ REDIS_URL: viaPort(world.redisUrl, PORTS.redisProxy) }),
        teardown: async () => proxy?.close(),
      };
    },
    async inject() {
      proxy!.stall();
      return { holdMs: OUTAGE_MS, repair: async () => proxy!.unstall() };
    },
    async bit({ chain }) {
      const timeouts = await metricSum(chain.processors, 'processor_dependency_timeouts_total');
      return timeouts > 0 ? undefined : 'the processor never timed out on Redis';
    },
  };
}

export const SINGLE_NODE_CASES = [processorKilled, mysqlStopped, bridgeStopped, redisPartitioned];
