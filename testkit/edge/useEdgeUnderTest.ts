// One edge per test file through vitest's hooks (@proctor/testkit/edge/useEdgeUnderTest): kept out of
// @proctor/testkit/edge so that the dev scripts importing that never load vitest.
import { afterAll, beforeAll } from 'vitest';
import { type EdgeUnderTest, startEdgeUnderTest } from './edgeUnderTest.ts';
import type { StartEdgeOptions } from './startEdge.ts';

/**
 * The file's EdgeUnderTest, started in a beforeAll registered here (so before the file's own, which may use it) and
 * stopped in an afterAll. Its fields are there once that beforeAll has run.
 */
export function useEdgeUnderTest(options: StartEdgeOptions = {}): EdgeUnderTest {
  let started: EdgeUnderTest | undefined;
  beforeAll(async () => {
    started = await startEdgeUnderTest(options);
  });
  afterAll(async () => {
    await started?.stop();
  });
  const the = (): EdgeUnderTest => {
    if (!started) throw new Error('the edge is read before its beforeAll started it');
    return started;
  };
  return {
    get edge() {
      return the().edge;
    },
    get topic() {
      return the().topic;
    },
    get prefix() {
      return the().prefix;
    },
    get redis() {
      return the().redis;
    },
    stop: () => the().stop(),
  };
}
