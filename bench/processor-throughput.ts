// Processor throughput on one core: Kafka → rules → Redis → MySQL, against a consume-only kafkajs baseline
// reading the same topic in the same run. Prints events/s for both, their ratio, and CPU per event.

import { createLogger, sleep } from '@proctor/contracts';
import { runProcessor } from '@proctor/processor/app';
import { loadConfig } from '@proctor/processor/config';
import { produceBusyTopic } from '@proctor/processor/test/workload';
import { dropPrefix, freshDatabase } from '@proctor/testkit';
import { deleteTopics, kafka, newRedis, randomName } from '@proctor/testkit/stack';

const SESSIONS = Number(process.env.BENCH_SESSIONS ?? 2000);
const EVENTS_PER_SESSION = Number(process.env.BENCH_EVENTS_PER_SESSION ?? 60);
const PARTITIONS = 12;

const { topic, total, seconds } = await produceBusyTopic(SESSIONS, EVENTS_PER_SESSION, PARTITIONS, (t) => [`${t}.dlq`]);
console.log(`produced ${total} records (${SESSIONS} sessions) in ${seconds.toFixed(1)} s`);

/** Consume-only: kafkajs eachBatch that counts and resolves, nothing else. Timed from the first message. */
async function consumeOnly(): Promise<{ seconds: number; cpuMs: number }> {
  const consumer = kafka().consumer({ groupId: randomName('bench-baseline') });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let seen = 0;
  let first = 0;
  let cpu0 = process.cpuUsage();
  const done = new Promise<number>((resolve) => {
    void consumer.run({
      partitionsConsumedConcurrently: 3,
      eachBatch: async ({ batch }) => {
        if (!first) {
          first = performance.now();
          cpu0 = process.cpuUsage();
        }
        seen += batch.messages.length;
        if (seen >= total) resolve(performance.now());
      },
    });
  });
  const end = await done;
  const cpu = process.cpuUsage(cpu0);
  await consumer.disconnect();
  return { seconds: (end - first) / 1000, cpuMs: (cpu.user + cpu.system) / 1000 };
}

/** The real pipeline in this process, as main.ts wires it. Timed from the first message to the last outcome. */
async function pipeline(): Promise<{ seconds: number; cpuMs: number; alerts: number; steps: string }> {
  const db = await freshDatabase();
  const prefix = randomName('pbench');
  const config = loadConfig({
    KAFKA_EVENTS_TOPIC: topic,
    KAFKA_DLQ_TOPIC: `${topic}.dlq`,
    KAFKA_GROUP_ID: randomName('bench-pipeline'),
    REDIS_KEY_PREFIX: prefix,
    MYSQL_URL: db.url,
    METRICS_PORT: '0',
    SWEEP_ENABLED: 'false',
    LOG_LEVEL: 'warn',
  });
  const processor = await runProcessor(config, createLogger('warn'), (err) => {
    console.error('bench: processor failed', err);
    process.exit(1);
  });
  const count = async (name: 'consumed' | 'processed') =>
    (await processor.metrics[name].get()).values.reduce((s, v) => s + v.value, 0);
  let first = 0;
  let cpu0 = process.cpuUsage();
  for (;;) {
    if (!first && (await count('consumed')) > 0) {
      first = performance.now();
      cpu0 = process.cpuUsage();
    }
    if ((await count('processed')) >= total) break;
    await sleep(20);
  }
  const end = performance.now();
  const cpu = process.cpuUsage(cpu0);
  const alerts = (await processor.metrics.alerts.get()).values.reduce((s, v) => s + v.value, 0);
  const stepValues = (await processor.metrics.stepLatency.get()).values;
  const stat = (step: string, suffix: string) =>
    stepValues.find((v) => v.labels.step === step && v.metricName?.endsWith(suffix))?.value ?? 0;
  const steps = ['redis_load', 'mysql_write', 'redis_save', 'kafka_commit']
    .map((step) => `${step} ${(stat(step, '_sum') / Math.max(1, stat(step, '_count'))).toFixed(1)}`)
    .join(', ');
  await processor.stop();
  const redis = newRedis();
  await dropPrefix(redis, prefix);
  redis.disconnect();
  await db.drop();
  return { seconds: (end - first) / 1000, cpuMs: (cpu.user + cpu.system) / 1000, alerts, steps };
}

const base = await consumeOnly();
const full = await pipeline();
await deleteTopics([topic, `${topic}.dlq`]);

const rate = (s: number) => Math.round(total / s);
console.log(
  `consume-only (kafkajs): ${rate(base.seconds)} events/s, ${((base.cpuMs * 1000) / total).toFixed(1)} µs CPU/event`,
);
console.log(
  `full pipeline:         ${rate(full.seconds)} events/s, ${((full.cpuMs * 1000) / total).toFixed(1)} µs CPU/event, ` +
    `${full.alerts} alerts`,
);
console.log(
  `full pipeline, CPU-bound: ${Math.round(total / (full.cpuMs / 1000))} events per CPU-second of this process ` +
    '(what one fully used core sustains; the wall-clock rate above also waits on Redis, MySQL and Kafka, which ' +
    'share this machine)',
);
console.log(`full pipeline, mean ms per chunk step: ${full.steps}`);
console.log(
  `ratio pipeline/consume-only: ${(rate(full.seconds) / rate(base.seconds)).toFixed(2)} (goal ≥ 0.5; events/s goal ≥ 40000)`,
);
process.exit(0);
