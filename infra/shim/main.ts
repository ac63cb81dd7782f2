// Runs the Upstash REST shim as a process: `node infra/shim/main.ts` (config from infra/stack/config.ts / env).
import { stackConfig } from '../stack/config.ts';
import { createShim } from './server.ts';

const config = stackConfig();
const shim = createShim({ redisUrl: config.redis.url, token: config.shim.token });
shim.server.on('error', (err) => {
  console.error(JSON.stringify({ event: 'shim_listen_failed', error: String(err) }));
  process.exit(1);
});
shim.server.listen(config.shim.port, config.shim.host, () => {
  console.log(
    JSON.stringify({ event: 'shim_listening', url: config.shim.url, redis: config.redis.url, pid: process.pid }),
  );
});
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    void shim.close().then(() => process.exit(0));
  });
}
