// Redis bytes per live session: records through the real chunk pipeline into real Redis, then MEMORY USAGE of
// each session's keys. Compares a quiet session with a busy one in the same run, against the 1 KB goal.
import { livenessKey, livenessShard } from '@proctor/contracts';
import { applyChunk, type ChunkMessage } from '@proctor/processor/consumer/applyChunk';
import { createLivenessStore } from '@proctor/processor/liveness/track';
import { createCheckpointStore, stateKey } from '@proctor/processor/state/sessionCheckpoints';
import { newSessions, type TestSession } from '@proctor/processor/test/events';
import { busySessionRecords, interleave, sessionRecords } from '@proctor/processor/test/workload';
import { dropPrefix } from '@proctor/testkit';
import { newRedis, randomName } from '@proctor/testkit/stack';

const SESSIONS = Number(process.env.BENCH_SESSIONS ?? 2000);
const redis = newRedis();
const prefix = randomName('pmem');
const store = createCheckpointStore(redis, prefix);
const deps = {
  store,
  liveness: createLivenessStore(redis, prefix),
  mysql: { write: async () => undefined, sessionTenants: async () => new Map<string, string>() },
  deadLetter: { send: async () => undefined },
  retry: <T>(_step: string, fn: () => Promise<T>) => fn(),
  now: Date.now,
};

async function measure(label: string, make: (s: TestSession, i: number) => ReturnType<typeof sessionRecords>) {
  const sessions = await newSessions(SESSIONS, 'tenant-bench');
  const ids = sessions.map((s) => s.sessionId);
  const records = interleave(sessions.map((s, i) => make(s, i)));
  const messages: ChunkMessage[] = records.map((r, i) => ({
    offset: String(i),
    key: Buffer.from(r.sessionId),
    value: Buffer.from(JSON.stringify(r)),
  }));
  for (let i = 0; i < messages.length; i += 3000) await applyChunk(deps, 'bench', 0, messages.slice(i, i + 3000));
  // A live session sits in one liveness shard (the consumer's); count its share of those sets too.
  for (const id of ids) await redis.zadd(livenessKey(livenessShard(id), prefix), Date.now() + 45_000, id);
  const sizes: number[] = [];
  for (const id of ids) sizes.push(Number(await redis.memory('USAGE', stateKey(id, prefix), 'SAMPLES', '0')));
  let liveness = 0;
  for (let s = 0; s < 64; s++)
    liveness += Number((await redis.memory('USAGE', livenessKey(s, prefix), 'SAMPLES', '0')) ?? 0);
  for (let s = 0; s < 64; s++) await redis.del(livenessKey(s, prefix));
  sizes.sort((a, b) => a - b);
  const avg = sizes.reduce((a, b) => a + b, 0) / sizes.length;
  const perSession = avg + liveness / SESSIONS;
  console.log(
    `${label}: state key avg ${Math.round(avg)} B, p99 ${sizes[Math.floor(sizes.length * 0.99)]} B, max ${sizes.at(-1)} B; ` +
      `+ liveness share ${Math.round(liveness / SESSIONS)} B = ${Math.round(perSession)} B per live session ` +
      `(${(perSession / 1024).toFixed(2)} of the 1 KB goal)`,
  );
  return perSession;
}

const quiet = await measure('quiet session (start + a few events)', (s, i) => sessionRecords(s, i).slice(0, -1));
const busy = await measure('busy session (start + 60 events, full windows)', (s) => busySessionRecords(s, 60));
console.log(`ratio busy/quiet: ${(busy / quiet).toFixed(2)}`);
await dropPrefix(redis, prefix);
redis.disconnect();
