// The per-relay sliding-window limit, shared by every worker through Redis:
// a sorted set per relay holds the send times of the last window (Redis's
// own clock, so workers on machines with skewed clocks agree). Plugged into
// the mail transport through its RelayRateLimiter port.
import { randomBytes } from 'node:crypto';
import type { RelayRateLimiter } from '../mail/transport.js';
import type { Redis } from '../redis.js';

// KEYS[1]: the relay's window. ARGV: window ms, limit, a unique member.
// Returns 0 when the send may go now (and records it), else ms to wait.
const SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window = tonumber(ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[2]) then
  redis.call('ZADD', KEYS[1], now, ARGV[3])
  redis.call('PEXPIRE', KEYS[1], window)
  return 0
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return math.max(1, tonumber(oldest[2]) + window - now)`;

export interface RelayRateLimitOptions {
  redis: Pick<Redis, 'eval'>;
  keyPrefix: string;
  /** Messages per relay per window, across every worker. */
  limit: number;
  windowMs: number;
}

export function relayRateKey(prefix: string, relay: string): string {
  return `${prefix}:relay-rate:${relay}`;
}

export interface SharedRelayRateLimiter extends RelayRateLimiter {
  /** One try: 0 when a send may go now (and is counted), else the milliseconds until one may. */
  tryAcquire(relay: string): Promise<number>;
}

export function createRelayRateLimiter(options: RelayRateLimitOptions): SharedRelayRateLimiter {
  const self = randomBytes(6).toString('hex');
  let sequence = 0;
  const tryAcquire = async (relay: string) => {
    const member = `${self}-${(sequence += 1)}`;
    return Number(
      await options.redis.eval(
        SCRIPT,
        1,
        relayRateKey(options.keyPrefix, relay),
        options.windowMs,
        options.limit,
        member,
      ),
    );
  };
  return {
    tryAcquire,
    async acquire(relay) {
      for (let wait = await tryAcquire(relay); wait > 0; wait = await tryAcquire(relay)) {
        await new Promise((resolve) => setTimeout(resolve, Math.min(wait, options.windowMs)));
      }
    },
  };
}
