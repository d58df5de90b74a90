// Per-test-file environment: its own database (cloned from the migrated
// template), its own QUEUE_PREFIX, and optionally its own SMTP sink.
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { loadConfig, type Config } from '../../src/config.js';
import { createContext, type Context } from '../../src/context.js';
import { createLogger } from '../../src/logger.js';
import { createRedis, waitForRedis } from '../../src/redis.js';
import { deleteQueueKeys as deleteKeysUnder } from '../../src/jobs/queues.js';
import { createTestDatabase, dropDatabase } from './database.js';
import { SmtpSink } from './smtp-sink.js';

export interface TestEnv {
  config: Config;
  ctx: Context;
  sink: SmtpSink;
  databaseName: string;
  cleanup(): Promise<void>;
}

export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Config for tests: same defaults as production, plus the given overrides. */
export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    REDIS_URL: TEST_REDIS_URL,
    SECRET_KEY: 'test-secret-key-test-secret-key-0123456789',
    ADMIN_TOKEN: 'test-admin-token-0123456789',
    PUBLIC_URL: 'https://paperboy.test',
    QUEUE_PREFIX: `t${inject('runId')}${randomBytes(3).toString('hex')}`,
    ...overrides,
  });
}

export async function createTestEnv(overrides: Record<string, string> = {}): Promise<TestEnv> {
  const sink = await new SmtpSink().start();
  const database = await createTestDatabase(inject('templateDatabase'));
  const config = testConfig({ DATABASE_URL: database.url, SMTP_URL: sink.url, ...overrides });
  const ctx = createContext(config, { logger: createLogger(config.logLevel) });
  // As the entry points do before taking traffic: until the connection is
  // ready, commands fail at once and the sign-up limits fail open (a CI run
  // saw a rate-limit test answered 202 where 429 was due). Tests that point
  // REDIS_URL elsewhere (a closed port, a proxy) handle readiness themselves.
  if (overrides.REDIS_URL === undefined && !(await waitForRedis(ctx.redis, 10_000))) {
    throw new Error(`test Redis at ${TEST_REDIS_URL} did not become ready`);
  }
  return {
    config,
    ctx,
    sink,
    databaseName: database.name,
    async cleanup() {
      await ctx.close();
      await sink.stop();
      await dropDatabase(database.name);
      await deleteQueueKeys(config.queuePrefix);
    },
  };
}

/** Removes every Redis key under a test's QUEUE_PREFIX. */
export async function deleteQueueKeys(prefix: string): Promise<void> {
  const redis = createRedis(TEST_REDIS_URL, 'worker');
  try {
    await deleteKeysUnder(redis, prefix);
  } finally {
    redis.disconnect();
  }
}
