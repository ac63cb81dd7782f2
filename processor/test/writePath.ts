// Per-file lifecycle of end-to-end tests: the real edge in workerd feeding a processor child through this file's
// own topic, Redis prefix and database, started before the file's tests and removed after them.

import { type ProcessorChild, startProcessor } from '@proctor/testkit';
import { type StartedEdge, startEdge } from '@proctor/testkit/edge';
import { type TestEnv, testEnv } from '@proctor/testkit/stack';
import { afterAll, beforeAll } from 'vitest';

export interface WritePath {
  env: TestEnv;
  edge: StartedEdge;
  processor: ProcessorChild;
}

/**
 * Registers beforeAll/afterAll; the returned object is filled in once beforeAll has run. `processorEnv` adds to the
 * processor's environment (the test env turns its liveness sweep off).
 */
export function writePathPerFile(partitions = 3, processorEnv: Record<string, string> = {}): WritePath {
  const path = {} as WritePath;
  beforeAll(async () => {
    path.env = await testEnv(partitions);
    path.edge = await startEdge({ env: { KAFKA_TOPIC: path.env.topic, REDIS_KEY_PREFIX: path.env.prefix } });
    path.processor = await startProcessor({ ...path.env.env, ...processorEnv });
  }, 180_000);
  afterAll(async () => {
    await path.processor?.stop('SIGTERM');
    await path.edge?.stop();
    await path.env?.cleanup();
  }, 60_000);
  return path;
}
