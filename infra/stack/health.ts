// Health probes for each service, plus a poll-until-healthy helper with a timeout that says what it waited for.
import { sleep } from '@proctor/contracts';
import { createObjectStore } from '@proctor/contracts/objects';
import { Redis } from 'ioredis';
import { Kafka, logLevel } from 'kafkajs';
import type { StackConfig } from './config.ts';

/**
 * How many brokers the cluster metadata lists, through a short-lived admin client that never retries (a probe);
 * undefined when the bootstrap servers do not answer within the timeouts.
 */
export async function kafkaBrokerCount(bootstrap: string, requestTimeout: number): Promise<number | undefined> {
  const admin = new Kafka({
    clientId: 'proctor-stack-health',
    brokers: bootstrap.split(','),
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1000,
    requestTimeout,
    retry: { retries: 0 },
  }).admin();
  try {
    await admin.connect();
    return (await admin.describeCluster()).brokers.length;
  } catch {
    return undefined;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

export async function kafkaHealthy(config: StackConfig): Promise<boolean> {
  return ((await kafkaBrokerCount(config.kafka.bootstrap, 2000)) ?? 0) > 0;
}

async function httpStatus(url: string, timeoutMs = 2000): Promise<number | undefined> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return undefined;
  }
}

/** The bridge's /ready answers 204 only once it has reached Kafka. */
export async function bridgeHealthy(config: StackConfig): Promise<boolean> {
  return (await httpStatus(`${config.bridge.url}/ready`, 5000)) === 204;
}

export async function shimHealthy(config: StackConfig): Promise<boolean> {
  const statuses = await Promise.all(config.shim.shards.map((s) => httpStatus(`${s.url}/healthz`)));
  return statuses.every((status) => status === 200);
}

/** S3Proxy answers a signed ListBuckets with 200 once its HTTP server and credentials are up. */
export async function s3Healthy(config: StackConfig): Promise<boolean> {
  return stackObjectStore(config).ping();
}

export function stackObjectStore(config: StackConfig) {
  const { url, bucket, accessKeyId, secretAccessKey } = config.s3;
  return createObjectStore({
    endpoint: url,
    bucket,
    accessKeyId,
    secretAccessKey,
    region: 'us-east-1',
    timeoutMs: 2000,
  });
}

export async function redisHealthy(config: StackConfig): Promise<boolean> {
  // One attempt, no reconnect loop: a probe answers now or says "not yet".
  const conn = new Redis({
    host: config.redis.host,
    port: config.redis.port,
    connectTimeout: 1000,
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  conn.on('error', () => undefined);
  try {
    await conn.connect();
    return (await conn.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    conn.disconnect();
  }
}

/** Polls `probe` until it answers true; throws after `timeoutMs`, pointing at the log to read. */
export async function waitHealthy(
  what: string,
  probe: () => Promise<boolean>,
  timeoutMs: number,
  opts: { logFile?: string; stillRunning?: () => boolean } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await probe()) return;
    if (opts.stillRunning && !opts.stillRunning()) {
      throw new Error(`${what} exited during start-up; see ${opts.logFile ?? 'its log'}`);
    }
    await sleep(250);
  }
  throw new Error(`${what} did not become healthy within ${timeoutMs} ms; see ${opts.logFile ?? 'its log'}`);
}
