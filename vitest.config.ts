import { defineConfig } from 'vitest/config';

// One runner for the whole repository. Projects split by package so that the
// server's room tests (which bind ports) and the browser tests run their files
// one at a time, while the pure math runs in parallel.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'shared',
          include: ['test/shared/**/*.test.ts'],
          setupFiles: ['test/setup/fastCheckSeed.ts'],
          testTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'server',
          include: ['test/server/**/*.test.ts'],
          setupFiles: ['test/setup/fastCheckSeed.ts'],
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'client',
          include: ['test/client/**/*.test.ts'],
          setupFiles: ['test/setup/fastCheckSeed.ts'],
          testTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          fileParallelism: false,
          testTimeout: 240_000,
          hookTimeout: 240_000,
        },
      },
    ],
  },
});
