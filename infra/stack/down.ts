// `npm run stack:down`: stops what stack:up started (by pid file) and leaves pre-existing Redis/MariaDB alone.
// It stops the cluster stack's members too (cluster.ts) when any runs; `-- --cluster` stops only those.
import { clusterDown } from './cluster.ts';
import { type ServiceName, type StackConfig, stackConfig } from './config.ts';
import { stopService } from './control.ts';

/** Producers first, so nothing writes into a broker that is going away. */
const STOP_ORDER: ServiceName[] = ['bridge', 'shim', 'kafka', 'redis', 's3'];

async function stackDown(config: StackConfig = stackConfig()): Promise<void> {
  for (const name of STOP_ORDER) {
    const t = performance.now();
    const outcome = await stopService(name, config);
    if (outcome !== 'not_running') {
      console.log(`stack: ${name.padEnd(6)} ${outcome} (${((performance.now() - t) / 1000).toFixed(1)} s)`);
    } else {
      console.log(`stack: ${name.padEnd(6)} not running (nothing of ours to stop)`);
    }
  }
}

if (import.meta.main) {
  const cluster = process.argv.includes('--cluster') || process.env.PROCTOR_STACK_MODE === 'cluster';
  (cluster ? clusterDown() : stackDown().then(() => clusterDown())).then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(`stack: down failed: ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    },
  );
}
