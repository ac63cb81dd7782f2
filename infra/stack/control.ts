// Start, stop and inspect one stack service; safe to call from tests (edge/processor prove no data loss with it).
import { join } from 'node:path';
import { type ServiceName, type StackConfig, stackConfig } from './config.ts';
import { waitHealthy } from './health.ts';
import { withLock } from './lock.ts';
import { describePortOwner, isAlive, portOpen, readPidFile, removePidFile, stopProcess } from './processes.ts';
import { type ServiceSpec, serviceSpec } from './services.ts';

export type { ServiceName } from './config.ts';

export interface ServiceStatus {
  name: ServiceName;
  /** Started by this stack (pid file present and the process alive). */
  ours: boolean;
  pid?: number;
  healthy: boolean;
  url: string;
  logFile: string;
}

export type StartOutcome = 'started' | 'already_running' | 'external';

const locks = (config: StackConfig) => join(config.stateDir, 'locks');

export async function serviceStatus(name: ServiceName, config: StackConfig = stackConfig()): Promise<ServiceStatus> {
  const spec = serviceSpec(config, name);
  const record = readPidFile(spec.pidFile);
  const ours = isAlive(record);
  return {
    name,
    ours,
    pid: ours ? record.pid : undefined,
    healthy: await spec.healthy(),
    url: spec.url,
    logFile: spec.logFile,
  };
}

/**
 * Starts the service unless it already runs, then waits until it is healthy.
 * Redis that answers without a pid file is someone else's (the machine's own) and is used as it is.
 */
export async function startService(name: ServiceName, config: StackConfig = stackConfig()): Promise<StartOutcome> {
  return startSpec(serviceSpec(config, name), config, { adoptExternal: name === 'redis' });
}

/** startService for any spec (the cluster's members too), under the same per-service lock. */
export async function startSpec(
  spec: ServiceSpec,
  config: StackConfig,
  opts: { adoptExternal?: boolean } = {},
): Promise<StartOutcome> {
  return withLock(locks(config), spec.name, async () => {
    const record = readPidFile(spec.pidFile);
    if (isAlive(record)) {
      await waitHealthy(spec.name, spec.healthy, config.startTimeoutMs, {
        logFile: spec.logFile,
        stillRunning: () => isAlive(record),
      });
      return 'already_running';
    }
    removePidFile(spec.pidFile);
    if (opts.adoptExternal && (await spec.healthy())) return 'external';
    for (const port of [spec.port, ...spec.extraPorts]) {
      if (await portOpen(spec.host, port)) {
        throw new Error(
          `port ${port} is taken by ${describePortOwner(port)}; stop it or set another port for ${spec.name}`,
        );
      }
    }
    const started = spec.start();
    await waitHealthy(spec.name, spec.healthy, config.startTimeoutMs, {
      logFile: spec.logFile,
      stillRunning: () => isAlive(started),
    });
    return 'started';
  });
}

/** Stops the service only if this stack started it (SIGTERM, then SIGKILL after `timeoutMs`). */
export async function stopService(
  name: ServiceName,
  config: StackConfig = stackConfig(),
  timeoutMs = 20_000,
): Promise<'terminated' | 'killed' | 'not_running'> {
  return stopSpec(serviceSpec(config, name), config, timeoutMs);
}

export async function stopSpec(
  spec: ServiceSpec,
  config: StackConfig,
  timeoutMs = 20_000,
): Promise<'terminated' | 'killed' | 'not_running'> {
  return withLock(locks(config), spec.name, async () => {
    const record = readPidFile(spec.pidFile);
    const outcome = record ? await stopProcess(record, timeoutMs) : 'not_running';
    removePidFile(spec.pidFile);
    return outcome;
  });
}
