// Fixed-window counters in Redis (INCR, then EXPIRE on the first hit), shared
// by every API process. Keys carry a hash, never an address or an IP in clear.
// Several counters are checked in one round trip by a Lua script, in order:
// the first one over its limit stops the script, so the counters after it are
// not charged (an IP that is over its limit does not use up an address's).
import { createHash, hash } from 'node:crypto';
import type { Logger } from '../logger.js';
import type { Redis } from '../redis.js';
import { withTimeout } from '../timeout.js';

export interface RateLimitResult {
  allowed: boolean;
  /** Seconds until the window resets; 0 when allowed. */
  retryAfterSeconds: number;
  /** The scope that refused, when not allowed. */
  scope?: string;
}

export interface RateLimit {
  scope: string;
  subject: string;
  limit: number;
}

export interface RateLimitDeps {
  redis: Pick<Redis, 'evalsha' | 'eval'>;
  logger: Logger;
  keyPrefix: string;
}

const TIMEOUT_MS = 500;

// KEYS: the counters, in order. ARGV[1]: window seconds; ARGV[1 + i]: the limit of KEYS[i].
// Returns {0, 0} when every counter is within its limit, else {i, ttl} for the first that is not.
const SCRIPT = `
for i, key in ipairs(KEYS) do
  local count = redis.call('INCR', key)
  redis.call('EXPIRE', key, ARGV[1], 'NX')
  if count > tonumber(ARGV[i + 1]) then
    return {i, redis.call('TTL', key)}
  end
end
return {0, 0}`;
const SCRIPT_SHA = createHash('sha1').update(SCRIPT).digest('hex');

export function rateLimitKey(prefix: string, scope: string, subject: string): string {
  const digest = hash('sha256', subject, 'base64url').slice(0, 22);
  return `${prefix}:ratelimit:${scope}:${digest}`;
}

async function runScript(redis: RateLimitDeps['redis'], keys: string[], args: number[]): Promise<unknown> {
  try {
    return await redis.evalsha(SCRIPT_SHA, keys.length, ...keys, ...args);
  } catch (error) {
    // First use on this Redis (or after SCRIPT FLUSH): send the body once.
    if (!String((error as Error).message).startsWith('NOSCRIPT')) throw error;
    return redis.eval(SCRIPT, keys.length, ...keys, ...args);
  }
}

/**
 * Counts one hit on each limit, in order, per `windowSeconds`. When Redis
 * cannot answer, the hit is allowed (fail open) and logged: a sign-up must
 * still go through while Redis is down, and Postgres-side throttles still apply.
 */
export async function hitRateLimits(
  deps: RateLimitDeps,
  limits: RateLimit[],
  windowSeconds: number,
): Promise<RateLimitResult> {
  const keys = limits.map((l) => rateLimitKey(deps.keyPrefix, l.scope, l.subject));
  try {
    const running = runScript(deps.redis, keys, [windowSeconds, ...limits.map((l) => l.limit)]);
    const reply = await withTimeout(running, TIMEOUT_MS, 'rate limit check timed out');
    const [index, ttl] = Array.isArray(reply) ? reply.map(Number) : [];
    if (index === undefined || !Number.isInteger(index)) throw new Error('unexpected reply from Redis');
    if (index === 0) return { allowed: true, retryAfterSeconds: 0 };
    return { allowed: false, retryAfterSeconds: ttl && ttl > 0 ? ttl : windowSeconds, scope: limits[index - 1]?.scope };
  } catch (error) {
    const scopes = limits.map((l) => l.scope).join(',');
    deps.logger.warn(
      { module: 'rate-limit', event: 'rate_limit_unavailable', scope: scopes, err: (error as Error).message },
      'rate limit skipped: Redis unavailable',
    );
    return { allowed: true, retryAfterSeconds: 0 };
  }
}

/** One counter; see hitRateLimits. */
export function hitRateLimit(
  deps: RateLimitDeps,
  scope: string,
  subject: string,
  limit: number,
  windowSeconds: number,
): Promise<RateLimitResult> {
  return hitRateLimits(deps, [{ scope, subject, limit }], windowSeconds);
}

/**
 * Whether a counter is already over `limit`, without counting a hit: lets a
 * caller refuse before doing the work a hit would be about (checking an admin
 * token). Fails open like hitRateLimits.
 */
export async function checkRateLimit(
  deps: RateLimitDeps & { redis: Pick<Redis, 'get' | 'ttl'> },
  scope: string,
  subject: string,
  limit: number,
): Promise<RateLimitResult> {
  const key = rateLimitKey(deps.keyPrefix, scope, subject);
  try {
    const count = Number(await deps.redis.get(key));
    if (count < limit) return { allowed: true, retryAfterSeconds: 0 };
    const ttl = await deps.redis.ttl(key);
    return { allowed: false, retryAfterSeconds: ttl > 0 ? ttl : 1, scope };
  } catch (error) {
    deps.logger.warn(
      { module: 'rate-limit', event: 'rate_limit_unavailable', scope, err: (error as Error).message },
      'rate limit skipped: Redis unavailable',
    );
    return { allowed: true, retryAfterSeconds: 0 };
  }
}

/**
 * The key a client's IP is counted under. One IPv6 host usually holds a
 * whole /64 and can pick any address in it, so IPv6 counts per /64; an
 * IPv4-mapped address (::ffff:203.0.113.9) counts as its IPv4.
 */
export function ipRateLimitSubject(ip: string | null): string {
  if (!ip) return 'unknown';
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip);
  if (mapped) return mapped[1]!;
  if (!ip.includes(':')) return ip;
  const [head = '', tail = ''] = ip.split('%')[0]!.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const hextets = ip.includes('::')
    ? [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right]
    : left;
  return `${hextets
    .slice(0, 4)
    .map((h) => (parseInt(h, 16) || 0).toString(16))
    .join(':')}::/64`;
}
