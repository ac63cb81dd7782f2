// One test runner for the monorepo, split by intent: pure unit tests, integration tests against the real local
// stack (the edge runs in real workerd through Miniflare there), and browser tests in real Chromium.
import { defineConfig } from 'vitest/config';

const ignored = ['**/node_modules/**', '**/dist/**', '**/.astro/**', '**/.wrangler/**'];
const nodeProject = (name: string, include: string[], extra: Record<string, unknown> = {}) => ({
  test: { name, include, exclude: ignored, environment: 'node', ...extra },
});

export default defineConfig({
  test: {
    projects: [
      nodeProject('unit', ['**/*.test.ts'], {
        exclude: [...ignored, '**/*.integration.test.ts', '**/*.browser.test.ts', '**/*.stack.test.ts'],
      }),
      // One retry for suites that share a loaded 2-core box with real servers: a broken test still fails twice.
      nodeProject('integration', ['**/*.integration.test.ts'], { testTimeout: 60_000, hookTimeout: 120_000, retry: 1 }),
      nodeProject('browser', ['**/*.browser.test.ts'], {
        testTimeout: 120_000,
        hookTimeout: 180_000,
        fileParallelism: false,
        retry: 1,
      }),
      nodeProject('stack', ['**/*.stack.test.ts'], { testTimeout: 300_000, hookTimeout: 300_000 }),
    ],
  },
});
