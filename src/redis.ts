import { Redis } from 'ioredis';

export type { Redis };

/**
 * One connection policy for the whole app.
 * - "command": used from HTTP handlers and queue producers. No offline queue
 *   and one retry per request, so a Redis outage surfaces as an error at once
 *   (the caller answers 503 or falls back to Postgres) instead of hanging.
 * - "worker": BullMQ workers block on Redis and must wait out outages, so
 *   requests retry forever (BullMQ requires maxRetriesPerRequest: null).
 */
export function createRedis(
  url: string,
  role: 'command' | 'worker',
  onError: (error: Error) => void = () => undefined,
): Redis {
  const common = {
    lazyConnect: false,
    connectTimeout: 2000,
    // Reconnect with capped backoff; never give up on a long outage.
    retryStrategy: (times: number) => Math.min(times * 200, 5000),
  };
  const redis =
    role === 'worker'
      ? new Redis(url, { ...common, maxRetriesPerRequest: null, enableReadyCheck: true })
      : new Redis(url, { ...common, maxRetriesPerRequest: 1, enableOfflineQueue: false });
  // Errors also surface through readiness checks and failing calls; an
  // unhandled 'error' event would crash the process. Long-running processes
  // pass a rate-limited logger (logErrorsEvery).
  redis.on('error', onError);
  return redis;
}

/**
 * Resolves once the connection is ready, or false after the timeout. A
 * "command" connection refuses calls until then, so entry points wait for it
 * before taking traffic; readiness checks report it down meanwhile.
 */
export function waitForRedis(redis: Redis, timeoutMs = 5000): Promise<boolean> {
  if (redis.status === 'ready') return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      clearTimeout(timer);
      redis.off('ready', onReady);
      resolve(ok);
    };
    const onReady = () => done(true);
    const timer = setTimeout(() => done(false), timeoutMs);
    redis.on('ready', onReady);
  });
}
