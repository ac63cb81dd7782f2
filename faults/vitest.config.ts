// The fault suite's own runner config (`npm run test:faults`): one file of long, sequential cases against real
// servers, apart from `npm test`'s projects so that neither picks up the other's files.
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: join(import.meta.dirname, '..'),
    include: ['faults/src/**/*.faults.ts'],
    environment: 'node',
    fileParallelism: false,
    testTimeout: 360_000,
    hookTimeout: 360_000,
    reporters: ['default', 'junit'],
    outputFile: { junit: 'test-output/junit-faults.xml' },
  },
});
