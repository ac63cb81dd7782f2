// Per-test lifecycle of processor integration tests: a fresh TestEnv, child processors, and their teardown.

import { type ProcessorChild, startProcessor } from '@proctor/testkit';
import { type TestEnv, testEnv } from '@proctor/testkit/stack';
import { afterEach } from 'vitest';

/** Registers an afterEach that kills this test's processors, runs extra cleanups and removes its TestEnv. */
export function processorUnderTest(defaults: Record<string, string> = {}) {
  let env: TestEnv | undefined;
  const procs: ProcessorChild[] = [];
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const p of procs.splice(0)) await p.stop('SIGKILL');
    for (const c of cleanups.splice(0)) await c();
    await env?.cleanup();
    env = undefined;
  });
  return {
    async setup(partitions: number): Promise<TestEnv> {
      env = await testEnv(partitions);
      return env;
    },
    /** Starts `node processor/src/main.ts` with this test's env, the defaults and `extra`. */
    async run(extra: Record<string, string> = {}, waitReady = true): Promise<ProcessorChild> {
      if (!env) throw new Error('call setup() first');
      const p = await startProcessor({ ...env.env, ...defaults, ...extra }, waitReady);
      procs.push(p);
      return p;
    },
    onCleanup(fn: () => Promise<void>) {
      cleanups.push(fn);
    },
  };
}
