// The sign-up rate limiter against a real Redis: several counters in one
// script, in order, with the first one over its limit stopping the rest.
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { createRedis } from '../../src/redis.js';
import { hitRateLimit, hitRateLimits, rateLimitKey } from '../../src/subscriptions/rate-limit.js';
import { TEST_REDIS_URL } from '../helpers/context.js';

const redis = createRedis(TEST_REDIS_URL, 'worker');
const keyPrefix = `trl${randomBytes(4).toString('hex')}`;
const deps = { redis, logger: createLogger('silent'), keyPrefix };

afterAll(async () => {
  const keys = await redis.keys(`${keyPrefix}:*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
});

describe('hitRateLimits', () => {
  it('allows up to the limit in a window, then refuses with the seconds left', async () => {
    for (let i = 0; i < 3; i++)
      expect(await hitRateLimit(deps, 'one', 'a', 3, 60)).toEqual({ allowed: true, retryAfterSeconds: 0 });
    const refused = await hitRateLimit(deps, 'one', 'a', 3, 60);
    expect(refused).toMatchObject({ allowed: false, scope: 'one' });
    expect(refused.retryAfterSeconds).toBeGreaterThan(0);
    expect(refused.retryAfterSeconds).toBeLessThanOrEqual(60);
    const ttl = await redis.ttl(rateLimitKey(keyPrefix, 'one', 'a'));
    expect(ttl).toBeGreaterThan(0);
  });

  it('charges the counters in order and stops at the first one over its limit', async () => {
    const ip = { scope: 'ip', subject: '10.0.0.1', limit: 1 };
    const address = (subject: string) => ({ scope: 'address', subject, limit: 5 });
    expect((await hitRateLimits(deps, [ip, address('x@example.org')], 60)).allowed).toBe(true);
    const refused = await hitRateLimits(deps, [ip, address('y@example.org')], 60);
    expect(refused).toMatchObject({ allowed: false, scope: 'ip' });
    // The address behind a refused IP was not charged.
    expect(await redis.get(rateLimitKey(keyPrefix, 'address', 'y@example.org'))).toBeNull();
    expect(await redis.get(rateLimitKey(keyPrefix, 'address', 'x@example.org'))).toBe('1');
  });

  it('counts a reply that arrived while the process was stalled past its timeout, instead of failing open', async () => {
    expect((await hitRateLimit(deps, 'stall', 'a', 1, 60)).allowed).toBe(true);
    const pending = hitRateLimit(deps, 'stall', 'a', 1, 60);
    // The command is on the wire; now the event loop stalls longer than the
    // 500 ms budget, as a long GC or a busy machine does, while Redis answers.
    const until = Date.now() + 800;
    while (Date.now() < until);
    expect(await pending).toMatchObject({ allowed: false, scope: 'stall' });
  });

  it('loads the script when Redis does not know it yet (NOSCRIPT)', async () => {
    let refusedOnce = false;
    const forgetful = {
      evalsha: (...args: Parameters<typeof redis.evalsha>) => {
        if (!refusedOnce) {
          refusedOnce = true;
          return Promise.reject(new Error('NOSCRIPT No matching script. Please use EVAL.'));
        }
        return redis.evalsha(...args);
      },
      eval: redis.eval.bind(redis),
    } as unknown as typeof redis;
    const result = await hitRateLimit({ ...deps, redis: forgetful }, 'fresh', 'a', 1, 60);
    expect(refusedOnce).toBe(true);
    expect(result.allowed).toBe(true);
    expect(await redis.get(rateLimitKey(keyPrefix, 'fresh', 'a'))).toBe('1');
  });

  it('fails open when Redis cannot answer', async () => {
    const down = createRedis('redis://127.0.0.1:1', 'command');
    const result = await hitRateLimit({ ...deps, redis: down }, 'down', 'a', 1, 60);
    down.disconnect();
    expect(result).toEqual({ allowed: true, retryAfterSeconds: 0 });
  });

  it('fails open when Redis does not answer within its budget', async () => {
    const silent = { evalsha: () => new Promise(() => undefined), eval: () => new Promise(() => undefined) };
    const result = await hitRateLimit({ ...deps, redis: silent }, 'hung', 'a', 1, 60);
    expect(result).toEqual({ allowed: true, retryAfterSeconds: 0 });
  });
});
