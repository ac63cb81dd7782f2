// Processor entry point: parse env once, run the processor, drain on SIGTERM, crash loudly on a loop error.

import { createLogger, errorContext } from '@proctor/contracts';
import { runProcessor } from './app.ts';
import { loadConfig } from './config.ts';

const config = loadConfig();
const log = createLogger(config.LOG_LEVEL, { service: 'processor', pid: process.pid });

// A loop error is a clean crash: log once, exit non-zero, never hang. Uncommitted work is redelivered.
function crash(err: unknown): never {
  log.error('processor_crashed', errorContext(err));
  process.exit(1);
}
process.on('uncaughtException', crash);
process.on('unhandledRejection', crash);

const processor = await runProcessor(config, log, crash);
log.info('processor_ready', {
  metricsPort: processor.metricsPort,
  topic: config.KAFKA_EVENTS_TOPIC,
  groupId: config.KAFKA_GROUP_ID,
});

let shuttingDown = false;
async function shutdown(signal: string) {
  if (shuttingDown) return;
  shuttingDown = true;
  log.info('processor_draining', { signal });
  // Backstop: a drain that cannot finish (a sink down for good) must still end the process, non-zero.
  setTimeout(() => crash(new Error('drain timed out')), 25_000).unref();
  await processor.stop();
  log.info('processor_stopped', { signal });
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM').catch(crash));
process.on('SIGINT', () => void shutdown('SIGINT').catch(crash));
