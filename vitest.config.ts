import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Integration tests start real processes and switches; keep them from fighting over ports.
    fileParallelism: true,
    pool: 'forks',
  },
});
