// Runs the Upstash REST shim as a process: `node infra/shim/main.ts` (config from infra/stack/config.ts / env). With
// UPSTASH_SHARDS=N it serves N shims, one per edge database, each on its own port over its own Redis database.
import { stackConfig } from '../stack/config.ts';
import { createShim } from './server.ts';

const config = stackConfig();
const shims = config.shim.shards.map((shard) => {
  const shim = createShim({ redisUrl: shard.redisUrl, token: config.shim.token });
  shim.server.on('error', (err) => {
    console.error(JSON.stringify({ event: 'shim_listen_failed', port: shard.port, error: String(err) }));
    process.exit(1);
  });
  shim.server.listen(shard.port, config.shim.host, () => {
    console.log(JSON.stringify({ event: 'shim_listening', url: shard.url, redis: shard.redisUrl, pid: process.pid }));
  });
  return shim;
});
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    void Promise.all(shims.map((s) => s.close())).then(() => process.exit(0));
  });
}
