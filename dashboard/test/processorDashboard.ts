// A browser test file's dashboard over a throwaway stack (topic, database, Redis prefix) with the real processor
// consuming that topic, optionally the real edge producing to it, and one Chromium to look at it all.
import { mkdirSync } from 'node:fs';
import {
  createIssuer,
  type Issuer,
  type ProcessorChild,
  type RunningDashboard,
  startProcessor,
} from '@proctor/testkit';
import { launchChromium } from '@proctor/testkit/browser';
import { type StartedEdge, startEdge } from '@proctor/testkit/edge';
import { type TestEnv, testEnv } from '@proctor/testkit/stack';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { SHOTS, startStackDashboard } from './testDashboard.ts';

export interface ProcessorDashboard {
  stack: TestEnv;
  issuer: Issuer;
  app: RunningDashboard;
  browser: Browser;
  /** The real edge on the same topic and prefix, when asked for. */
  edge?: StartedEdge;
}

/**
 * Registers the file's beforeAll (everything started; the fields are set once it has run) and afterAll (stopped in
 * reverse, the stack's data removed). `port` pins the dashboard's port (a free one otherwise).
 */
export function useProcessorDashboard(options: { port?: number; withEdge?: boolean } = {}): ProcessorDashboard {
  const live = {} as ProcessorDashboard;
  let processor: ProcessorChild | undefined;
  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    live.stack = await testEnv(3);
    live.issuer = await createIssuer();
    const { stack } = live;
    [live.app, processor, live.edge] = await Promise.all([
      startStackDashboard(stack, live.issuer, options.port),
      startProcessor(stack.env),
      options.withEdge ? startEdge({ env: { REDIS_KEY_PREFIX: stack.prefix, KAFKA_TOPIC: stack.topic } }) : undefined,
    ]);
    live.browser = await launchChromium();
  }, 180_000);
  afterAll(async () => {
    await live.browser?.close();
    await live.app?.stop();
    await live.edge?.stop();
    await processor?.stop('SIGTERM');
    await live.stack?.cleanup();
  });
  return live;
}
