// `npm run stack:up`: Redis (if none answers), Kafka (KRaft), the REST bridge, the Upstash shim, S3Proxy and its
// bucket, topics, migrations. `npm run stack:up -- --cluster`: the cluster stack instead (cluster.ts).
import { mkdirSync } from 'node:fs';
import { relative } from 'node:path';
import { parseRedisUrl } from '@proctor/contracts/redis';
import { migrate } from '../migrations/migrate.ts';
import { clusterUp } from './cluster.ts';
import { type ServiceName, type StackConfig, stackConfig } from './config.ts';
import { type StartOutcome, startService } from './control.ts';
import { stackObjectStore } from './health.ts';
import { ensureBridgeLibs, ensureKafkaLibs, ensureS3ProxyLibs } from './jars.ts';
import { assertJava } from './java.ts';
import { serviceSpec } from './services.ts';
import { ensureTopics, stackTopics } from './topics.ts';

const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t = performance.now();
  const value = await fn();
  return [value, performance.now() - t];
}

async function stackUp(config: StackConfig = stackConfig()): Promise<void> {
  const t0 = performance.now();
  if (parseRedisUrl(config.redis.url).kind === 'cluster') {
    throw new Error(`REDIS_URL names a Redis Cluster (${config.redis.url}): that is \`npm run stack:up -- --cluster\``);
  }
  assertJava();
  mkdirSync(config.logDir, { recursive: true });
  // Resolved before any JVM starts, so a first run's Maven download is reported as its own step.
  const [, jarMs] = await timed(async () => {
    ensureKafkaLibs(config);
    ensureBridgeLibs(config);
    ensureS3ProxyLibs(config);
  });
  if (jarMs > 1000) console.log(`stack: jars resolved with Maven in ${secs(jarMs)} (cached in ${config.cacheDir})`);

  const report = (name: ServiceName, outcome: StartOutcome, ms: number, extra = '') => {
    const spec = serviceSpec(config, name);
    const where = name === 'kafka' ? `${spec.url} (controller :${config.kafka.controllerPort})` : spec.url;
    const log = outcome === 'external' ? 'not ours, left alone' : `log ${relative(process.cwd(), spec.logFile)}`;
    console.log(`stack: ${name.padEnd(6)} ${outcome.padEnd(15)} ${where.padEnd(44)} ${log} (${secs(ms)})${extra}`);
  };
  const start = async (name: ServiceName) => {
    const [outcome, ms] = await timed(() => startService(name, config));
    report(name, outcome, ms);
  };

  const kafkaReady = start('kafka');
  await Promise.all([
    start('redis').then(() => start('shim')),
    start('s3').then(async () => {
      await stackObjectStore(config).ensureBucket();
      console.log(`stack: bucket ${config.s3.bucket} present at ${config.s3.url}`);
    }),
    kafkaReady.then(async () => {
      const [created, ms] = await timed(() => ensureTopics(config.kafka.bootstrap, stackTopics(config)));
      const topics = stackTopics(config)
        .map((t) => `${t.topic}(${t.numPartitions})`)
        .join(', ');
      console.log(
        `stack: topics ${created.length ? `created ${created.join(', ')}` : 'present'}: ${topics} (${secs(ms)})`,
      );
    }),
    // The bridge JVM boots while Kafka does; it reports ready only once it reaches the broker.
    start('bridge'),
    timed(() => migrate(config.mysqlUrl)).then(
      ([r, ms]) => {
        const what = r.applied.length ? `applied ${r.applied.join(', ')}` : `up to date (${r.alreadyApplied} applied)`;
        console.log(`stack: mysql  ${what} in ${r.database} at ${config.mysqlUrl} (${secs(ms)})`);
      },
      (err: unknown) => {
        throw new Error(
          `MySQL migrations failed at ${config.mysqlUrl} (MYSQL_URL): ${err instanceof Error ? err.message : err}`,
        );
      },
    ),
  ]);
  console.log(
    `stack: healthy in ${secs(performance.now() - t0)}. Upstash token: UPSTASH_REDIS_REST_TOKEN=${config.shim.token}`,
  );
}

if (import.meta.main) {
  // kafkajs computes negative timer delays on Node 24; the warning is noise in this CLI's output.
  process.removeAllListeners('warning');
  process.on('warning', (w) => {
    if (w.name !== 'TimeoutNegativeWarning') console.warn(w);
  });
  const cluster = process.argv.includes('--cluster') || process.env.PROCTOR_STACK_MODE === 'cluster';
  (cluster ? clusterUp() : stackUp()).then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(`stack: up failed: ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    },
  );
}
