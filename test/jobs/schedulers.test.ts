// Schedulers live in Redis only: a Redis that comes back without its data
// must get them back from the running workers, not at the next deploy.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keepSchedulers, SCHEDULERS } from '../../src/jobs/schedulers.js';
import { createTestEnv, deleteQueueKeys, TEST_REDIS_URL, type TestEnv } from '../helpers/context.js';
import { TcpProxy } from '../subscriptions/tcp-proxy.js';

describe('keepSchedulers', () => {
  let env: TestEnv;
  let proxy: TcpProxy;
  let stop: (() => void) | undefined;

  beforeAll(async () => {
    const target = new URL(TEST_REDIS_URL);
    proxy = await new TcpProxy(target.hostname, Number(target.port || 6379)).up();
    env = await createTestEnv({ REDIS_URL: `redis://127.0.0.1:${proxy.port}` });
  });
  afterAll(async () => {
    stop?.();
    await env.cleanup();
    await proxy.down();
  });

  async function schedulerIds(): Promise<string[]> {
    const queues = [...new Set(SCHEDULERS.map((s) => s.queue))];
    const lists = await Promise.all(queues.map((q) => env.ctx.queues[q].getJobSchedulers()));
    return lists
      .flat()
      .map((s) => s.key)
      .sort();
  }

  it('upserts at start, and again, with a repair, when the connection is back after Redis lost its data', async () => {
    let repairs = 0;
    stop = await keepSchedulers(env.ctx.redis, env.ctx.queues, env.config, env.ctx.logger, {
      afterLoss: async () => void repairs++,
      checkEveryMs: 60_000, // only the reconnect can notice it here
    });
    const all = SCHEDULERS.map((s) => s.id).sort();
    expect(await schedulerIds()).toEqual(all);

    // A reconnect alone, with the data intact, is no loss.
    await proxy.down();
    await proxy.up();
    await expect.poll(() => env.ctx.redis.status, { timeout: 10_000 }).toBe('ready');
    expect(repairs).toBe(0);

    // Redis "restarts empty": its keys are gone and every connection drops.
    await proxy.down();
    await deleteQueueKeys(env.config.queuePrefix);
    await proxy.up();
    await expect.poll(() => schedulerIds().catch(() => []), { timeout: 10_000, interval: 100 }).toEqual(all);
    await expect.poll(() => repairs, { timeout: 10_000 }).toBe(1);
    stop();
  });

  it('notices keys that vanish without a reconnect (FLUSHALL), on its periodic check', async () => {
    let repairs = 0;
    stop = await keepSchedulers(env.ctx.redis, env.ctx.queues, env.config, env.ctx.logger, {
      afterLoss: async () => void repairs++,
      checkEveryMs: 200,
    });
    await deleteQueueKeys(env.config.queuePrefix);
    await expect
      .poll(() => schedulerIds(), { timeout: 10_000, interval: 100 })
      .toEqual(SCHEDULERS.map((s) => s.id).sort());
    await expect.poll(() => repairs, { timeout: 10_000 }).toBe(1);
  });
});
