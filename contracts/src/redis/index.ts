// One Redis setting for every Node service and the ioredis client it names: REDIS_URL is either one Redis
// (`redis://host:port`) or a Redis Cluster (`redis+cluster://host:port,host:port,…`, any of its nodes as seeds).
// Plus the few calls that differ on a cluster: batches across slots, script loading and key scans.
import { Cluster, Redis, type RedisOptions } from 'ioredis';
import { z } from 'zod';

export type RedisClient = Redis | Cluster;
export type RedisNode = { host: string; port: number };
export type RedisTarget = { kind: 'single'; url: string } | { kind: 'cluster'; nodes: RedisNode[] };

const REDIS_CLUSTER_SCHEME = 'redis+cluster:';

function node(hostPort: string, url: string): RedisNode {
  const m = /^([^:,\s]+):(\d{1,5})$/.exec(hostPort.trim());
  if (!m) throw new Error(`${url}: "${hostPort}" is not host:port`);
  return { host: m[1]!, port: Number(m[2]) };
}

/** Parses REDIS_URL; throws with the reason when it names neither one Redis nor a cluster. */
export function parseRedisUrl(url: string): RedisTarget {
  if (url.startsWith(`${REDIS_CLUSTER_SCHEME}//`)) {
    const list = url.slice(REDIS_CLUSTER_SCHEME.length + 2).replace(/\/.*$/, '');
    const nodes = list.split(',').map((n) => node(n, url));
    if (!nodes.length) throw new Error(`${url}: name at least one cluster node`);
    return { kind: 'cluster', nodes };
  }
  if (!/^rediss?:\/\//.test(url)) throw new Error(`${url}: use redis://host:port or ${REDIS_CLUSTER_SCHEME}//h:p,h:p`);
  new URL(url);
  return { kind: 'single', url };
}

/** REDIS_URL as every service's env schema declares it. */
export const RedisUrl = z.string().refine(
  (s) => {
    try {
      parseRedisUrl(s);
      return true;
    } catch {
      return false;
    }
  },
  { message: `must be redis://host:port, rediss://… or ${REDIS_CLUSTER_SCHEME}//host:port,host:port` },
);

export function clusterUrl(nodes: RedisNode[]): string {
  return `${REDIS_CLUSTER_SCHEME}//${nodes.map((n) => `${n.host}:${n.port}`).join(',')}`;
}

/**
 * The client for REDIS_URL. `options` apply to every node's connection. On a cluster: reads go to masters
 * (`scaleReads: 'master'`, so a read after a write sees it) and `ready` comes only once CLUSTER INFO says the
 * cluster serves every slot (`enableReadyCheck`). No auto-pipelining: ioredis 6.0 drops the command name of
 * `call()` on that path, and it is not needed, since ioredis writes each command at once without waiting for the
 * previous reply, so commands issued together already share the round trip to their node.
 */
export function createRedisClient(url: string, options: RedisOptions = {}): RedisClient {
  const target = parseRedisUrl(url);
  if (target.kind === 'single') return new Redis(url, options);
  const { lazyConnect, ...redisOptions } = options;
  return new Cluster(target.nodes, {
    redisOptions,
    scaleReads: 'master',
    enableReadyCheck: true,
    lazyConnect,
    slotsRefreshTimeout: 2000,
    // A failover takes the cluster a few seconds (cluster-node-timeout): keep retrying MOVED/CLUSTERDOWN meanwhile.
    retryDelayOnClusterDown: 200,
    retryDelayOnFailover: 200,
  });
}

export const isCluster = (redis: RedisClient): redis is Cluster => redis instanceof Cluster;

export type RedisCommand = [name: string, ...args: (string | number | Buffer)[]];
export type CommandResult = [error: Error | null, value: unknown];

/**
 * Runs independent commands in one round trip and answers each in order, like `pipeline().exec()`. On one Redis it
 * is one pipeline. On a cluster one pipeline may only touch one node's slots, so each command is sent on its own, all
 * at once: still one round trip per node, never a CROSSSLOT. Not atomic (neither
 * is a pipeline): each command must be safe alone, e.g. a single-slot script.
 */
export async function execEach(redis: RedisClient, commands: RedisCommand[]): Promise<CommandResult[]> {
  if (!commands.length) return [];
  if (!isCluster(redis)) return ((await redis.pipeline(commands).exec()) ?? []) as CommandResult[];
  return Promise.all(
    commands.map(([name, ...args]) =>
      redis.call(name, ...args).then(
        (v): CommandResult => [null, v],
        (e: unknown): CommandResult => [e instanceof Error ? e : new Error(String(e)), null],
      ),
    ),
  );
}

/**
 * The masters of a cluster, or the one Redis: where keyless commands (SCRIPT LOAD, SCAN, FLUSH) must go. A cluster
 * client knows its nodes only once ready, so this waits for that (a PING waits in the offline queue until then).
 */
export async function masters(redis: RedisClient): Promise<Redis[]> {
  if (!isCluster(redis)) return [redis];
  if (redis.status !== 'ready') await redis.ping();
  return redis.nodes('master');
}

/** Loads a script on every master, so EVALSHA finds it whichever node owns the key. */
export async function loadScript(redis: RedisClient, source: string): Promise<void> {
  await Promise.all((await masters(redis)).map((n) => n.script('LOAD', source)));
}

/** Every key matching `pattern`, master by master (SCAN on a cluster sees only the node it runs on). */
export async function* scanKeys(redis: RedisClient, pattern: string, count = 1000): AsyncGenerator<string[]> {
  for (const n of await masters(redis)) {
    let cursor = '0';
    do {
      const [next, keys] = await n.scan(cursor, 'MATCH', pattern, 'COUNT', count);
      cursor = next;
      if (keys.length) yield keys;
    } while (cursor !== '0');
  }
}
export * from './liveChanges.ts';
