// The confirmation email's lifecycle:
//   requested (confirmRequestedAt set in Postgres and a ConfirmationOutbox
//   row added, in the sign-up's own statement or by requestConfirmation) →
//   claimed by one worker's outbox poller (confirmation-outbox.ts) → sent
//   (confirmSentAt set, row deleted). No Redis on the way: an answered
//   sign-up always gets its email.
import { maskEmail } from '../logger.js';
import { AUTO_SUBMITTED, feedbackId, subjectLine } from '../mail/headers.js';
import { verpAddress } from '../mail/verp.js';
import { MailSendError, type SendResult } from '../mail/transport.js';
import type { Config } from '../config.js';
import type { MailerDeps, SubscriptionDeps } from './deps.js';
import { hitRateLimit, type RateLimitDeps } from './rate-limit.js';
import { subscriberLinks } from './links.js';
import { describeSchedule } from './schedule-text.js';
import { withTimeout } from '../timeout.js';
import { markConfirmationRequested } from './outbox-repo.js';
import { findSubscriptions } from './subscriber-repo.js';
import { isSuppressed } from './suppression-repo.js';
import { renderSubscriptionEmail, transactionalMessageId } from './subscription-emails.js';

/** A pending subscriber gets a fresh confirmation at most this often. */
export const CONFIRM_THROTTLE_MS = 10 * 60 * 1000;
/** How long an enqueue may take before the sign-up stops waiting for Redis. */
const ENQUEUE_TIMEOUT_MS = 1000;

/**
 * Queues a mail job (`enqueue`, through the MailJobs port) without ever
 * failing the caller: the email it stands for is best effort (the welcome),
 * or Postgres holds it too.
 */
export async function enqueueMailJob(
  deps: SubscriptionDeps,
  name: string,
  subscriberId: number,
  enqueue: () => Promise<void>,
): Promise<boolean> {
  // Only the failure paths log: no child logger per sign-up.
  const log = () => deps.logger.child({ module: 'subscriptions' });
  if (deps.redis && deps.redis.status !== 'ready') {
    log().warn(
      { event: 'mail_enqueue_skipped', job: name, subscriberId, redis: deps.redis.status },
      'Redis not ready; mail job skipped',
    );
    return false;
  }
  try {
    await withTimeout(enqueue(), ENQUEUE_TIMEOUT_MS);
    return true;
  } catch (error) {
    log().warn(
      { event: 'mail_enqueue_failed', job: name, subscriberId, err: (error as Error).message },
      'could not enqueue mail job',
    );
    return false;
  }
}

/**
 * Asks for a confirmation email (throttled to one per CONFIRM_THROTTLE_MS):
 * marked and put in the outbox in one statement. Returns whether a new
 * email was requested.
 */
export async function requestConfirmation(
  deps: Pick<SubscriptionDeps, 'db'>,
  subscriberId: number,
  now = new Date(),
): Promise<boolean> {
  return (await markConfirmationRequested(deps.db, subscriberId, now, CONFIRM_THROTTLE_MS)) !== null;
}

export type ConfirmationOutcome =
  'sent' | 'already_sent' | 'nothing_to_confirm' | 'suppressed' | 'not_found' | 'limited';

/** Whether one more confirmation email may go to this address now (SIGNUP_LIMIT_PER_ADDRESS per window). */
export type ConfirmationLimit = (email: string) => Promise<boolean>;

/** SIGNUP_LIMIT_PER_ADDRESS confirmation emails per address per window, counted in Redis (fails open). */
export function addressConfirmationLimit(
  deps: Pick<RateLimitDeps, 'redis' | 'logger'> & { config: Pick<Config, 'queuePrefix' | 'signupLimits'> },
): ConfirmationLimit {
  const limiter = { redis: deps.redis, logger: deps.logger, keyPrefix: deps.config.queuePrefix };
  const { perAddress, windowSeconds } = deps.config.signupLimits;
  return async (email) => (await hitRateLimit(limiter, 'confirm-address', email, perAddress, windowSeconds)).allowed;
}

/**
 * Sends the confirmation email a subscriber asked for. Idempotent: once
 * confirmSentAt has caught up with confirmRequestedAt it does nothing, so a
 * retried claim never sends the same request twice. Throws the
 * transport's MailSendError so the caller can retry or give up.
 */
export async function sendConfirmation(
  deps: MailerDeps & { confirmationLimit?: ConfirmationLimit },
  subscriberId: number,
  now = new Date(),
): Promise<ConfirmationOutcome> {
  const log = deps.logger.child({ module: 'subscriptions' });
  const subscriber = await deps.db.subscriber.findUnique({ where: { id: subscriberId } });
  if (!subscriber?.email || !subscriber.confirmRequestedAt) return 'not_found';
  const requestedAt = subscriber.confirmRequestedAt;
  if (subscriber.confirmSentAt && subscriber.confirmSentAt >= requestedAt) return 'already_sent';

  const subscriptions = await findSubscriptions(deps.db, subscriberId);
  const toConfirm = subscriptions.filter((s) => !s.confirmedAt);
  const markSent = () =>
    deps.db.subscriber.updateMany({
      where: { id: subscriberId, confirmRequestedAt: requestedAt },
      data: { confirmSentAt: now },
    });
  if (subscriber.status === 'active' && toConfirm.length === 0) {
    await markSent();
    return 'nothing_to_confirm';
  }
  // A hard-bounced or complained address: the sign-up was answered as usual,
  // but nothing goes out (marked handled, so the sweep does not come back).
  if (await isSuppressed(deps.db, subscriber.email)) {
    await markSent();
    log.info({ event: 'confirmation_suppressed', subscriberId }, 'confirmation not sent: address suppressed');
    return 'suppressed';
  }

  // Limit the emails, not the sign-ups: past the cap this request is settled
  // unsent (the sweep leaves it), and the links already in the person's
  // inbox still confirm, so a stranger's sign-ups lock no one out.
  if (deps.confirmationLimit && !(await deps.confirmationLimit(subscriber.email))) {
    await markSent();
    log.warn({ event: 'confirmation_limited', subscriberId }, 'confirmation not sent: per-address limit reached');
    return 'limited';
  }

  const adding = subscriber.status === 'active';
  const links = subscriberLinks(deps.config, subscriberId, now.getTime());
  const { html, text } = await renderSubscriptionEmail('confirm', {
    heading: adding ? 'Confirm your new lists' : 'One click to confirm',
    intro: adding
      ? 'You asked to add these lists to your Paperboy digest:'
      : 'You asked for a digest of trending research papers from these lists:',
    lists: toConfirm.map((s) => ({ name: s.list.name, description: s.list.description })),
    schedule: describeSchedule(subscriber),
    confirmUrl: links.confirm,
    siteUrl: deps.config.publicUrl,
  });
  let result: SendResult;
  try {
    result = await deps.mailer.send({
      from: deps.config.mailFrom,
      to: subscriber.email,
      subject: subjectLine(adding ? 'Confirm your new Paperboy lists' : 'Confirm your Paperboy subscription'),
      html,
      text,
      messageId: transactionalMessageId(deps.config, 'confirm', subscriberId, requestedAt),
      envelopeFrom: verpAddress(deps.config, { kind: 'subscriber', id: subscriberId }),
      headers: { ...AUTO_SUBMITTED, 'Feedback-ID': feedbackId('confirm', 'transactional', deps.config.publicUrl) },
    });
  } catch (error) {
    if (error instanceof MailSendError && error.kind === 'permanent') {
      // The relay refused this address for good: note the bounce, which also
      // keeps the sweep from retrying this request.
      await deps.db.subscriber.update({
        where: { id: subscriberId },
        data: { bounceCount: { increment: 1 }, lastBounceAt: now },
      });
      log.warn(
        { event: 'confirmation_bounced', subscriberId, code: error.responseCode },
        'confirmation refused by SMTP',
      );
    }
    throw error;
  }
  await markSent();
  log.info(
    { event: 'confirmation_sent', subscriberId, to: maskEmail(subscriber.email), response: result.response },
    'confirmation sent',
  );
  return 'sent';
}
