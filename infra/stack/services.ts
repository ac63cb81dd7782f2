// What each stack service is: how to start it, how to probe it, where it listens and logs.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ServiceName, StackConfig } from './config.ts';
import { bridgeHealthy, kafkaHealthy, redisHealthy, s3Healthy, shimHealthy } from './health.ts';
import { ensureBridgeLibs, ensureKafkaLibs, ensureS3ProxyLibs } from './jars.ts';
import { runJava, runJavaAsync } from './java.ts';
import { type PidRecord, spawnDetached, withNofile } from './processes.ts';

export interface ServiceSpec {
  /** A ServiceName, or a cluster member such as `kafka-2` (cluster.ts). */
  name: string;
  host: string;
  port: number;
  /** Extra ports the service binds (Kafka's controller listener). */
  extraPorts: number[];
  url: string;
  logFile: string;
  pidFile: string;
  healthy(): Promise<boolean>;
  start(): PidRecord;
}

export function pidFileOf(config: StackConfig, name: ServiceName): string {
  return join(config.stateDir, `${name}.pid`);
}

export function javaOpts(name: string, heapMb: number): string[] {
  return [
    `-Xms${Math.min(128, heapMb)}m`,
    `-Xmx${heapMb}m`,
    // Small fixed heaps on a 2-core box: serial GC costs less CPU and memory than G1 here.
    '-XX:+UseSerialGC',
    '-XX:+ExitOnOutOfMemoryError',
    '-Djava.awt.headless=true',
    `-Dproctor.service=${name}`,
  ];
}

/** A KRaft cluster id is 16 random bytes in URL-safe base64; never starting with "-" so no CLI mistakes it. */
export function newClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

/** One KRaft node (broker and controller in one process): the single-node stack's and each cluster member's. */
export interface KafkaNode {
  /** Service name, pid file and log names: `kafka`, or `kafka-<id>` in a cluster. */
  name: string;
  nodeId: number;
  host: string;
  port: number;
  controllerPort: number;
  /** `controller.quorum.voters`: every controller of the cluster. */
  voters: string;
  dataDir: string;
  confDir: string;
  logDir: string;
  pidFile: string;
  heapMb: number;
  /** Replicas of the internal topics and the default of new topics (1 single node, 3 in a cluster). */
  replication: number;
  minInsync: number;
  /** The id every node of one cluster is formatted with. */
  clusterId: () => string;
  healthy: () => Promise<boolean>;
  url: string;
  libs: () => string;
}

/** A broker's spec, plus `format()`: its config and log-dir format ahead of the start, without blocking. */
export type KafkaNodeSpec = ServiceSpec & { format(): Promise<void> };

export function kafkaNodeSpec(node: KafkaNode): KafkaNodeSpec {
  const { host, port, controllerPort, confDir, logDir } = node;
  const logFile = join(logDir, `${node.name}.log`);
  /** Writes the node's config; returns the format command when its log dir is not formatted yet. */
  const configure = () => {
    const libs = node.libs();
    mkdirSync(confDir, { recursive: true });
    const props = join(confDir, 'server.properties');
    writeFileSync(
      props,
      [
        'process.roles=broker,controller',
        `node.id=${node.nodeId}`,
        `controller.quorum.voters=${node.voters}`,
        `listeners=PLAINTEXT://${host}:${port},CONTROLLER://${host}:${controllerPort}`,
        `advertised.listeners=PLAINTEXT://${host}:${port}`,
        'controller.listener.names=CONTROLLER',
        'inter.broker.listener.name=PLAINTEXT',
        'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
        `log.dirs=${node.dataDir}`,
        'num.network.threads=2',
        'num.io.threads=4',
        'num.partitions=1',
        // Same as the apache/kafka image in docker-compose, so both stacks behave alike.
        'auto.create.topics.enable=true',
        `default.replication.factor=${node.replication}`,
        `min.insync.replicas=${node.minInsync}`,
        `offsets.topic.replication.factor=${node.replication}`,
        // Fewer internal partitions make the first consumer group join in about a second instead of ten.
        'offsets.topic.num.partitions=10',
        `transaction.state.log.replication.factor=${node.replication}`,
        `transaction.state.log.min.isr=${node.minInsync}`,
        'transaction.state.log.num.partitions=4',
        `share.coordinator.state.topic.replication.factor=${node.replication}`,
        `share.coordinator.state.topic.min.isr=${node.minInsync}`,
        // Tests create a group per test; no reason to wait 3 s for more members to join.
        'group.initial.rebalance.delay.ms=0',
        'log.retention.hours=72',
        '',
      ].join('\n'),
    );
    const log4j = join(confDir, 'log4j2.properties');
    writeFileSync(
      log4j,
      [
        'status = warn',
        // Keep logging until Kafka's own shutdown hook has finished, so the log shows a clean stop.
        'shutdownHook = disable',
        'appender.file.type = File',
        'appender.file.name = file',
        `appender.file.fileName = ${logFile}`,
        'appender.file.layout.type = PatternLayout',
        'appender.file.layout.pattern = [%d] %p %m (%c)%n',
        'rootLogger.level = INFO',
        'rootLogger.appenderRef.file.ref = file',
        'logger.kafkaRequest.name = kafka.request.logger',
        'logger.kafkaRequest.level = WARN',
        '',
      ].join('\n'),
    );
    const classpath = `${libs}/*`;
    const log4jOpt = `-Dlog4j2.configurationFile=${log4j}`;
    // Format once: KRaft refuses to start on an unformatted log dir, and re-formatting would lose data.
    const formatArgs = existsSync(join(node.dataDir, 'meta.properties'))
      ? undefined
      : [
          ...['-Xmx256m', '-XX:+UseSerialGC', log4jOpt, '-cp', classpath, 'kafka.tools.StorageTool', 'format'],
          ...[`--cluster-id=${node.clusterId()}`, '-c', props, '--ignore-formatted'],
        ];
    return { props, classpath, log4jOpt, formatArgs };
  };
  const what = 'format the Kafka log directory';
  return {
    name: node.name,
    host,
    port,
    extraPorts: [controllerPort],
    url: node.url,
    logFile,
    pidFile: node.pidFile,
    healthy: node.healthy,
    async format() {
      const { formatArgs } = configure();
      if (formatArgs) await runJavaAsync(formatArgs, what);
    },
    start() {
      const { props, classpath, log4jOpt, formatArgs } = configure();
      if (formatArgs) runJava(formatArgs, what);
      return spawnDetached({
        command: 'java',
        args: [...javaOpts(node.name, node.heapMb), log4jOpt, '-cp', classpath, 'kafka.Kafka', props],
        logFile: join(logDir, `${node.name}.stdout.log`),
        pidFile: node.pidFile,
        marker: `-Dproctor.service=${node.name}`,
      });
    },
  };
}

function kafkaSpec(config: StackConfig): ServiceSpec {
  const { kafka, stateDir, logDir } = config;
  return kafkaNodeSpec({
    name: 'kafka',
    nodeId: 1,
    host: kafka.host,
    port: kafka.port,
    controllerPort: kafka.controllerPort,
    voters: `1@${kafka.host}:${kafka.controllerPort}`,
    dataDir: kafka.dataDir,
    confDir: join(stateDir, 'kafka-config'),
    logDir,
    pidFile: pidFileOf(config, 'kafka'),
    heapMb: kafka.heapMb,
    replication: 1,
    minInsync: 1,
    clusterId: newClusterId,
    healthy: () => kafkaHealthy(config),
    url: kafka.bootstrap,
    libs: () => ensureKafkaLibs(config),
  });
}

/**
 * A one-process service of the single-node stack: it binds only its own port, and its name names its pid file and
 * its log (`<stateDir>/<name>.pid`, `<logDir>/<name>.log`). `probe` is its health check; `start` spawns it, writing
 * there.
 */
function localSpec(
  config: StackConfig,
  name: ServiceName,
  at: { host: string; port: number; url: string },
  probe: (config: StackConfig) => Promise<boolean>,
  start: (files: { logFile: string; pidFile: string }) => PidRecord,
): ServiceSpec {
  const logFile = join(config.logDir, `${name}.log`);
  const pidFile = pidFileOf(config, name);
  return {
    name,
    host: at.host,
    port: at.port,
    extraPorts: [],
    url: at.url,
    logFile,
    pidFile,
    healthy: () => probe(config),
    start: () => start({ logFile, pidFile }),
  };
}

/** A Java service of the stack from its jars (`libs`): the shared JVM options, its own flags, `main` and its `args`. */
function spawnJava(
  name: ServiceName,
  heapMb: number,
  files: { logFile: string; pidFile: string },
  run: { jvmFlags: string[]; libs: string; main: string; args: string[] },
): PidRecord {
  return spawnDetached({
    command: 'java',
    args: [...javaOpts(name, heapMb), ...run.jvmFlags, '-cp', `${run.libs}/*`, run.main, ...run.args],
    ...files,
    // javaOpts puts this flag on the command line: the process to find again by its pid file.
    marker: `-Dproctor.service=${name}`,
  });
}

function bridgeSpec(config: StackConfig): ServiceSpec {
  const { bridge, stateDir } = config;
  return localSpec(config, 'bridge', bridge, bridgeHealthy, (files) => {
    const libs = ensureBridgeLibs(config);
    const props = join(stateDir, 'bridge.properties');
    writeFileSync(
      props,
      [
        'bridge.id=proctor-local',
        `kafka.bootstrap.servers=${config.kafka.bootstrap}`,
        `http.host=${bridge.host}`,
        `http.port=${bridge.port}`,
        'http.producer.enabled=true',
        // 2xx must mean durable: every in-sync replica has the record.
        'kafka.producer.acks=all',
        'kafka.producer.enable.idempotence=true',
        'kafka.producer.linger.ms=5',
        '',
      ].join('\n'),
    );
    return spawnJava('bridge', bridge.heapMb, files, {
      jvmFlags: ['-Dorg.slf4j.simpleLogger.defaultLogLevel=warn'],
      libs,
      main: 'dev.proctor.bridge.Application',
      args: ['--config-file', props],
    });
  });
}

function shimSpec(config: StackConfig): ServiceSpec {
  const main = join(config.infraDir, 'shim', 'main.ts');
  return localSpec(config, 'shim', config.shim, shimHealthy, ({ logFile, pidFile }) =>
    spawnDetached({
      // One socket per connection from each edge process's upstream pool: as many descriptors as allowed.
      ...withNofile(process.execPath, [main]),
      logFile,
      pidFile,
      marker: main,
      // Its addresses come from this config, not the caller's env: the cluster stack points it at the cluster.
      env: {
        ...process.env,
        REDIS_URL: config.redis.url,
        SHIM_HOST: config.shim.host,
        SHIM_PORT: String(config.shim.port),
        UPSTASH_REDIS_REST_URL: config.shim.url,
        UPSTASH_REDIS_REST_TOKEN: config.shim.token,
        UPSTASH_SHARDS: String(config.shim.shards.length),
      },
    }),
  );
}

function redisSpec(config: StackConfig): ServiceSpec {
  const { host, port } = config.redis;
  return localSpec(config, 'redis', config.redis, redisHealthy, ({ logFile, pidFile }) =>
    spawnDetached({
      command: 'redis-server',
      args: ['--bind', host, '--port', String(port), '--save', '', '--appendonly', 'no', '--dir', config.stateDir],
      logFile,
      pidFile,
      // Redis rewrites its process title to "redis-server host:port" once up, so match only the stable part.
      marker: 'redis-server',
    }),
  );
}

function s3Spec(config: StackConfig): ServiceSpec {
  const { s3, stateDir } = config;
  return localSpec(config, 's3', s3, s3Healthy, (files) => {
    const libs = ensureS3ProxyLibs(config);
    mkdirSync(s3.dataDir, { recursive: true });
    const props = join(stateDir, 's3proxy.properties');
    writeFileSync(
      props,
      [
        `s3proxy.endpoint=http://${s3.host}:${s3.port}`,
        // Signed requests only: an anonymous GET of a thumbnail is refused, as on R2 and S3.
        's3proxy.authorization=aws-v2-or-v4',
        `s3proxy.identity=${s3.accessKeyId}`,
        `s3proxy.credential=${s3.secretAccessKey}`,
        'jclouds.provider=filesystem-nio2',
        `jclouds.identity=${s3.accessKeyId}`,
        `jclouds.credential=${s3.secretAccessKey}`,
        `jclouds.filesystem.basedir=${s3.dataDir}`,
        '',
      ].join('\n'),
    );
    // S3Proxy logs every request at DEBUG without a logback configuration.
    const logback = join(stateDir, 's3proxy-logback.xml');
    writeFileSync(
      logback,
      [
        '<configuration>',
        '  <appender name="out" class="ch.qos.logback.core.ConsoleAppender">',
        '    <encoder><pattern>[%d] %level %msg (%logger{20})%n</pattern></encoder>',
        '  </appender>',
        '  <root level="WARN"><appender-ref ref="out"/></root>',
        '</configuration>',
        '',
      ].join('\n'),
    );
    return spawnJava('s3', s3.heapMb, files, {
      jvmFlags: [`-Dlogback.configurationFile=${logback}`],
      libs,
      main: 'org.gaul.s3proxy.Main',
      args: ['--properties', props],
    });
  });
}

export function serviceSpec(config: StackConfig, name: ServiceName): ServiceSpec {
  switch (name) {
    case 'kafka':
      return kafkaSpec(config);
    case 'bridge':
      return bridgeSpec(config);
    case 'shim':
      return shimSpec(config);
    case 'redis':
      return redisSpec(config);
    case 's3':
      return s3Spec(config);
  }
}
