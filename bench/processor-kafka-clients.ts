// Consumer client choice for the processor: kafkajs vs @platformatic/kafka reading the same topic in one run,
// consume-only (count messages, no processing), alternating runs. Prints msgs/s, CPU per message and the ratio.
import { Consumer as PlatformaticConsumer } from '@platformatic/kafka';
import { produceBusyTopic } from '@proctor/processor/test/workload';
import { BROKERS, deleteTopics, kafka, randomName } from '@proctor/testkit/stack';

const SESSIONS = Number(process.env.BENCH_SESSIONS ?? 2000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const { topic, total } = await produceBusyTopic(SESSIONS, 60, 12);

interface Run {
  seconds: number;
  cpuUs: number;
}

/** Times from the first message seen to the last, so group join and metadata are not counted. */
function timer() {
  let first = 0;
  let cpu0 = process.cpuUsage();
  return {
    seen() {
      if (!first) {
        first = performance.now();
        cpu0 = process.cpuUsage();
      }
    },
    done(): Run {
      const cpu = process.cpuUsage(cpu0);
      return { seconds: (performance.now() - first) / 1000, cpuUs: cpu.user + cpu.system };
    },
  };
}

async function viaKafkajs(): Promise<Run> {
  const consumer = kafka().consumer({ groupId: randomName('bench-kafkajs'), maxBytesPerPartition: 2 * 1024 * 1024 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const t = timer();
  let n = 0;
  const done = new Promise<Run>((resolve) => {
    void consumer.run({
      partitionsConsumedConcurrently: 12,
      eachBatch: async ({ batch }) => {
        t.seen();
        n += batch.messages.length;
        if (n >= total) resolve(t.done());
      },
    });
  });
  const r = await done;
  await consumer.disconnect();
  return r;
}

async function viaPlatformatic(): Promise<Run> {
  const consumer = new PlatformaticConsumer({
    groupId: randomName('bench-platformatic'),
    clientId: 'bench-platformatic',
    bootstrapBrokers: BROKERS,
    maxBytesPerPartition: 2 * 1024 * 1024,
  });
  const stream = await consumer.consume({ topics: [topic], mode: 'earliest', autocommit: false });
  const t = timer();
  let n = 0;
  const r = await new Promise<Run>((resolve, reject) => {
    stream.on('error', reject);
    stream.on('data', () => {
      t.seen();
      if (++n === total) resolve(t.done());
    });
  });
  await stream.close();
  await consumer.close();
  return r;
}

const results: Record<'kafkajs' | 'platformatic', Run[]> = { kafkajs: [], platformatic: [] };
for (let i = 0; i < ROUNDS; i++) {
  results.kafkajs.push(await viaKafkajs());
  results.platformatic.push(await viaPlatformatic());
}
await deleteTopics([topic]);

const best = (runs: Run[]) => runs.reduce((a, b) => (a.seconds < b.seconds ? a : b));
const line = (name: string, r: Run) =>
  `${name}: ${Math.round(total / r.seconds)} msgs/s, ${(r.cpuUs / total).toFixed(2)} µs CPU/msg (best of ${ROUNDS})`;
const k = best(results.kafkajs);
const p = best(results.platformatic);
console.log(`${total} messages, 12 partitions, consume-only`);
console.log(line('kafkajs 2.2.4        ', k));
console.log(line('@platformatic/kafka  ', p));
const speed = k.seconds / p.seconds;
console.log(
  `ratio platformatic/kafkajs: ${speed.toFixed(2)}× msgs/s, ${(p.cpuUs / k.cpuUs).toFixed(2)}× CPU per message`,
);
console.log(
  'decision: the consumer is a few µs of each event’s processing cost, so the client is only worth switching for a ' +
    `clear win; ${speed >= 1.5 && p.cpuUs < k.cpuUs ? 'platformatic is clearly faster here — reconsider' : 'keep kafkajs'}`,
);
process.exit(0);
