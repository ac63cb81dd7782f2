// Process-lifetime MySQL pool, Redis client and object store, created on first use from the parsed env.
import { MYSQL_UTC_OPTIONS, pinUtc, type Shards } from '@proctor/contracts';
import { createObjectStore, type ObjectStore } from '@proctor/contracts/objects';
import { createRedisClient, type RedisClient } from '@proctor/contracts/redis';
import { createEdgeRedisShards } from '@proctor/contracts/redis/edgeShards';
import mysql from 'mysql2/promise';
import { env } from '../env.ts';

let pool: mysql.Pool | undefined;
let redis: RedisClient | undefined;
let edge: Shards<RedisClient> | undefined;

export function db(): mysql.Pool {
  if (pool) return pool;
  pool = pinUtc(
    mysql.createPool({
      uri: env().MYSQL_URL,
      connectionLimit: 10,
      // DATETIME(3) columns come back as Date; decimals as numbers, not strings.
      decimalNumbers: true,
      ...MYSQL_UTC_OPTIONS,
      dateStrings: false,
    }),
  );
  return pool;
}

function createClient(url: string): RedisClient {
  // Fail fast rather than queueing: live state is an enhancement over MySQL history, not a hard dependency.
  const client = createRedisClient(url, { maxRetriesPerRequest: 1, connectTimeout: 2_000 });
  // Errors surface on each command as a rejected promise; the listener only stops ioredis logging them twice.
  client.on('error', () => {});
  return client;
}

export function redisClient(): RedisClient {
  redis ??= createClient(env().REDIS_URL);
  return redis;
}

/** The edge's databases (EDGE_REDIS_URLS; default: REDIS_URL's client), for publishing policies on the tenant's shard. */
export function edgeRedis(): Shards<RedisClient> {
  edge ??= createEdgeRedisShards(env().EDGE_REDIS_URLS, { url: env().REDIS_URL, client: redisClient() }, createClient);
  return edge;
}

let objects: ObjectStore | undefined;

export function objectStore(): ObjectStore | undefined {
  const e = env();
  if (!e.S3_ENDPOINT || !e.S3_ACCESS_KEY_ID || !e.S3_SECRET_ACCESS_KEY) return undefined;
  objects ??= createObjectStore({
    endpoint: e.S3_ENDPOINT,
    bucket: e.S3_BUCKET,
    accessKeyId: e.S3_ACCESS_KEY_ID,
    secretAccessKey: e.S3_SECRET_ACCESS_KEY,
    region: e.S3_REGION,
  });
  return objects;
}
