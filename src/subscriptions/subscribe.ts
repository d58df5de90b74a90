// The public sign-up: rate limits, honeypot, validation, then saveSubscriber.
// Whatever the address's state (new, pending, active, unsubscribed) the
// caller gets the same "accepted", so the answer never tells who is subscribed.
import type { Metrics } from '../metrics.js';
import type { Redis } from '../redis.js';
import type { SubscriptionDeps } from './deps.js';
import { hitRateLimits, ipRateLimitSubject, type RateLimitResult } from './rate-limit.js';
import { saveSubscriber } from './save-subscriber.js';
import { evenOutTiming, realClock, type Clock, type SignupTiming } from './signup-timing.js';
import { FORM_VERSION, signupSchema } from './subscriber-input.js';

export interface SignupDeps extends SubscriptionDeps {
  redis: Pick<Redis, 'evalsha' | 'eval' | 'status'>;
  metrics?: Pick<Metrics, 'signups'>;
  /** Evens out answer times between new and existing addresses; without it, answers go as soon as stored. */
  signupTiming?: SignupTiming;
  /** The clock the timing holds answers on; tests pass a virtual one. */
  clock?: Clock;
}

export interface SignupEvidence {
  ip: string | null;
  userAgent: string | null;
}

export type SignupOutcome = { kind: 'accepted' } | { kind: 'rate_limited'; retryAfterSeconds: number };

function honeypotFilled(body: unknown): boolean {
  const value = (body as { website?: unknown } | null)?.website;
  return typeof value === 'string' ? value.trim() !== '' : value !== undefined && value !== null;
}

/**
 * Throws a ZodError for invalid input and UnknownListsError for a list that
 * does not exist or is not public; both mean "400, nothing stored".
 */
export async function subscribe(deps: SignupDeps, body: unknown, evidence: SignupEvidence): Promise<SignupOutcome> {
  const clock = deps.clock ?? realClock;
  const startedAt = clock.now();
  // A child logger per call costs more than the sign-up's own code at high
  // rates; it is made only for a line that will be written.
  const log = () => deps.logger.child({ module: 'subscriptions' });
  const limits = deps.config.signupLimits;
  const limiter = { redis: deps.redis, logger: deps.logger, keyPrefix: deps.config.queuePrefix };
  const count = (outcome: string) => deps.metrics?.signups.inc({ outcome });
  const byIp = { scope: 'signup-ip', subject: ipRateLimitSubject(evidence.ip), limit: limits.perIp };
  const refuse = (result: RateLimitResult): SignupOutcome => {
    count('rate_limited');
    return { kind: 'rate_limited', retryAfterSeconds: result.retryAfterSeconds };
  };

  // Every attempt counts against its IP (an IPv6 /64). Nothing here counts
  // per address: a stranger could use that to lock a person out of signing
  // up. The per-address limit is on confirmation emails sent (the mail job).
  const honeypot = honeypotFilled(body);
  const parsed = honeypot ? undefined : signupSchema.safeParse(body);
  const limited = await hitRateLimits(limiter, [byIp], limits.windowSeconds);
  if (!limited.allowed) return refuse(limited);
  // A bot that fills the hidden field is told "check your inbox" and nothing is stored.
  if (honeypot) {
    log().info({ event: 'signup_honeypot' }, 'honeypot filled; sign-up dropped');
    count('honeypot');
    return { kind: 'accepted' };
  }
  if (!parsed) throw new Error('unreachable: only a honeypot skips parsing');
  if (!parsed.success) throw parsed.error;
  const input = parsed.data;

  const result = await saveSubscriber(deps, {
    email: input.email,
    lists: input.lists,
    status: 'pending',
    preferences: {
      timezone: input.timezone,
      sendHour: input.sendHour,
      frequency: input.frequency,
      weekday: input.weekday,
      papersPerEmail: input.papersPerEmail,
      interests: input.interests,
    },
    evidence: { action: 'signup', ip: evidence.ip, userAgent: evidence.userAgent, formVersion: FORM_VERSION },
    publicListsOnly: true,
  });
  await evenOutTiming(deps.signupTiming, startedAt, clock);
  // One label for every address state: a reader of /metrics before and after
  // a sign-up must not learn whether the address was known.
  count('accepted');
  if (deps.logger.isLevelEnabled('info')) {
    log().info(
      {
        event: 'signup_accepted',
        subscriberId: result.subscriberId,
        created: result.created,
        confirmationRequested: result.confirmationRequested,
      },
      'sign-up accepted',
    );
  }
  return { kind: 'accepted' };
}
