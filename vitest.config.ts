import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/setup/global-setup.ts'],
    pool: 'forks',
    // The suite runs on the public development secrets, which only test and
    // development accept; set it here rather than rely on the runner's default.
    env: { NODE_ENV: 'test' },
    testTimeout: 20_000,
    hookTimeout: 60_000,
    // Integration tests share two cores with Postgres and Redis.
    maxWorkers: 2,
  },
});
