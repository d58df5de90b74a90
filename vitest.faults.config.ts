// `npm run test:faults`: the fault suite (test-faults/). Each file breaks
// something for real - SIGKILLs a worker or the API, restarts a Redis or a
// Postgres of its own, takes the SMTP relay away for 30 s - and ends by
// checking "nothing lost, nothing doubled" in Postgres and at the SMTP sink.
// Separate from `npm test` because it takes minutes, not seconds.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test-faults/**/*.test.ts'],
    globalSetup: ['test/setup/global-setup.ts'],
    pool: 'forks',
    // The suite runs on the public development secrets, which only test and
    // development accept; set it here rather than rely on the runner's default.
    env: { NODE_ENV: 'test' },
    testTimeout: 240_000,
    hookTimeout: 120_000,
    // Two scenarios at once: the long waits (a 30 s outage, a repair sweep)
    // overlap, and two cores stay enough for Postgres, Redis and the workers.
    maxWorkers: 2,
  },
});
