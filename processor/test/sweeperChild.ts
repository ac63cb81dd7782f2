// A sweeper process that dies (SIGKILL) right after its claim, before any produce: the crash the lease covers.

import { createLogger } from '@proctor/contracts';
import { newRedis } from '@proctor/testkit/stack';
import { createLivenessSweeper } from '../src/liveness/sweeper.ts';
import { createMetrics } from '../src/ops/metrics.ts';

const [shard, at] = [Number(process.env.SWEEP_SHARD), Number(process.env.SWEEP_AT)];
const sweeper = createLivenessSweeper({
  redis: newRedis(),
  prefix: process.env.REDIS_KEY_PREFIX!,
  publish: async () => void process.kill(process.pid, 'SIGKILL'),
  metrics: createMetrics(),
  log: createLogger('error'),
  intervalMs: 1000,
  shardsPerTick: 1,
  limit: 100,
  leaseMs: Number(process.env.SWEEP_LEASE_MS),
});
await sweeper.sweepShard(shard, at);
