// Fixed-window counters in Redis (INCR, then EXPIRE on the first hit), shared
// by every API process. Keys carry a hash, never an address or an IP in clear.
import { createHash } from 'node:crypto';
import type { Logger } from '../logger.js';
import type { Redis } from '../redis.js';

export interface RateLimitResult {
  allowed: boolean;
  /** Seconds until the window resets; 0 when allowed. */
  retryAfterSeconds: number;
}

export interface RateLimitDeps {
  redis: Pick<Redis, 'multi'>;
  logger: Logger;
  keyPrefix: string;
}

const TIMEOUT_MS = 500;

export function rateLimitKey(prefix: string, scope: string, subject: string): string {
  const digest = createHash('sha256').update(subject).digest('base64url').slice(0, 22);
  return `${prefix}:ratelimit:${scope}:${digest}`;
}

/**
 * Counts one hit against `limit` per `windowSeconds`. When Redis cannot
 * answer, the hit is allowed (fail open) and logged: a sign-up must still go
 * through while Redis is down, and Postgres-side throttles still apply.
 */
export async function hitRateLimit(
  deps: RateLimitDeps,
  scope: string,
  subject: string,
  limit: number,
  windowSeconds: number,
): Promise<RateLimitResult> {
  const key = rateLimitKey(deps.keyPrefix, scope, subject);
  let timer: NodeJS.Timeout | undefined;
  try {
    // EXPIRE NX sets the window on the first hit only, in the same round trip.
    const exec = deps.redis.multi().incr(key).expire(key, windowSeconds, 'NX').ttl(key).exec();
    exec.catch(() => {});
    const replies = await Promise.race([
      exec,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('rate limit check timed out')), TIMEOUT_MS);
      }),
    ]);
    const count = Number(replies?.[0]?.[1]);
    const ttl = Number(replies?.[2]?.[1]);
    if (!Number.isFinite(count)) throw new Error('unexpected reply from Redis');
    if (count <= limit) return { allowed: true, retryAfterSeconds: 0 };
    return { allowed: false, retryAfterSeconds: ttl > 0 ? ttl : windowSeconds };
  } catch (error) {
    deps.logger.warn({ module: 'rate-limit', event: 'rate_limit_unavailable', scope, err: (error as Error).message }, 'rate limit skipped: Redis unavailable');
    return { allowed: true, retryAfterSeconds: 0 };
  } finally {
    clearTimeout(timer);
  }
}
