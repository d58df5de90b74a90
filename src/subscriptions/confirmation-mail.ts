// The confirmation email's lifecycle:
//   requested (confirmRequestedAt set in Postgres, in the sign-up's own
//   transaction or by requestConfirmation) → enqueued on the 'mail' queue
//   with a deterministic job id (best effort: Redis may be down) → sent by
//   the mail job (confirmSentAt set). The sweep re-enqueues requests that
//   were never sent, so an answered sign-up always gets its email.
import { maskEmail } from '../logger.js';
import { AUTO_SUBMITTED, feedbackId, subjectLine } from '../mail/headers.js';
import { isSuppressed } from '../inbound/feedback-repo.js';
import { verpAddress } from '../inbound/verp.js';
import { MailSendError, type SendResult } from '../mail/transport.js';
import type { MailerDeps, SubscriptionDeps } from './deps.js';
import { subscriberLinks } from './links.js';
import { describeSchedule } from './schedule-text.js';
import { findSubscriptions, findUnsentConfirmations, markConfirmationRequested } from './subscriber-repo.js';
import { renderSubscriptionEmail, transactionalMessageId } from './subscription-emails.js';

export const MAIL_JOBS = { confirm: 'confirm', welcome: 'welcome' } as const;

/** A pending subscriber gets a fresh confirmation at most this often. */
export const CONFIRM_THROTTLE_MS = 10 * 60 * 1000;
/** How long an enqueue may take before the sign-up stops waiting for Redis. */
const ENQUEUE_TIMEOUT_MS = 1000;

/** No ':' in BullMQ job ids; one id per request, so retries and the sweep collapse. */
export function confirmJobId(subscriberId: number, requestedAt: Date): string {
  return `confirm-${subscriberId}-${requestedAt.getTime()}`;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/**
 * Puts a job on the 'mail' queue without ever failing the caller: Postgres
 * already holds the request, and the sweep sends it once Redis is back.
 */
export async function enqueueMailJob(deps: SubscriptionDeps, name: string, subscriberId: number, jobId: string): Promise<boolean> {
  // Only the failure paths log: no child logger per sign-up.
  const log = () => deps.logger.child({ module: 'subscriptions' });
  if (deps.redis && deps.redis.status !== 'ready') {
    log().warn({ event: 'mail_enqueue_skipped', job: name, subscriberId, redis: deps.redis.status }, 'Redis not ready; left for the sweep');
    return false;
  }
  const adding = deps.queues.mail.add(name, { subscriberId }, { jobId });
  // If the timeout wins, a late failure must not become an unhandled rejection.
  adding.catch(() => {});
  try {
    await withTimeout(adding, ENQUEUE_TIMEOUT_MS);
    return true;
  } catch (error) {
    log().warn({ event: 'mail_enqueue_failed', job: name, subscriberId, err: (error as Error).message }, 'could not enqueue mail job');
    return false;
  }
}

export function enqueueConfirmation(deps: SubscriptionDeps, subscriberId: number, requestedAt: Date): Promise<boolean> {
  return enqueueMailJob(deps, MAIL_JOBS.confirm, subscriberId, confirmJobId(subscriberId, requestedAt));
}

/**
 * Asks for a confirmation email: marks it in Postgres first (throttled to
 * one per CONFIRM_THROTTLE_MS), then tries to enqueue. Returns whether a new
 * email was requested.
 */
export async function requestConfirmation(deps: SubscriptionDeps, subscriberId: number, now = new Date()): Promise<boolean> {
  const requestedAt = await markConfirmationRequested(deps.db, subscriberId, now, CONFIRM_THROTTLE_MS);
  if (!requestedAt) return false;
  await enqueueConfirmation(deps, subscriberId, requestedAt);
  return true;
}

export type ConfirmationOutcome = 'sent' | 'already_sent' | 'nothing_to_confirm' | 'suppressed' | 'not_found' | 'limited';

/** Whether one more confirmation email may go to this address now (SIGNUP_LIMIT_PER_ADDRESS per window). */
export type ConfirmationLimit = (email: string) => Promise<boolean>;

/**
 * Sends the confirmation email a subscriber asked for. Idempotent: once
 * confirmSentAt has caught up with confirmRequestedAt it does nothing, so a
 * retried job or a sweep never sends the same request twice. Throws the
 * transport's MailSendError so the job can retry or give up.
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
    deps.db.subscriber.updateMany({ where: { id: subscriberId, confirmRequestedAt: requestedAt }, data: { confirmSentAt: now } });
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
      await deps.db.subscriber.update({ where: { id: subscriberId }, data: { bounceCount: { increment: 1 }, lastBounceAt: now } });
      log.warn({ event: 'confirmation_bounced', subscriberId, code: error.responseCode }, 'confirmation refused by SMTP');
    }
    throw error;
  }
  await markSent();
  log.info({ event: 'confirmation_sent', subscriberId, to: maskEmail(subscriber.email), response: result.response }, 'confirmation sent');
  return 'sent';
}

/**
 * A job that ran out of retries (SMTP down for longer than its backoff)
 * stays in Redis as failed under its id, so adding that id again does
 * nothing: put it back in the queue with fresh attempts instead. Bounced
 * requests never get here (the sweep skips them).
 */
async function restartFailedJob(deps: SubscriptionDeps, jobId: string): Promise<boolean> {
  try {
    const job = await deps.queues.mail.getJob(jobId);
    if (!job || !(await job.isFailed())) return false;
    await job.retry('failed', { resetAttemptsMade: true });
    return true;
  } catch {
    return false; // Redis trouble: the add below reports it, the next sweep tries again
  }
}

export interface SweepOptions {
  /** Leave requests younger than this to their own job. */
  minAgeMs?: number;
  /** Older requests are abandoned: the reader has long moved on. */
  maxAgeMs?: number;
  limit?: number;
}

/**
 * Re-enqueues confirmations that were requested but never sent. Only
 * enqueues (same job id as the original): the mail worker stays the one
 * place that sends, and BullMQ drops an id that is still queued.
 */
export async function sweepUnsentConfirmations(deps: SubscriptionDeps, options: SweepOptions = {}, now = new Date()) {
  const { minAgeMs = 60_000, maxAgeMs = 3 * 24 * 3600 * 1000, limit = 500 } = options;
  const rows = await findUnsentConfirmations(
    deps.db,
    { oldest: new Date(now.getTime() - maxAgeMs), newest: new Date(now.getTime() - minAgeMs) },
    limit,
  );
  let enqueued = 0;
  for (const row of rows) {
    const jobId = confirmJobId(row.id, row.confirmRequestedAt);
    const queued = (await restartFailedJob(deps, jobId)) || (await enqueueConfirmation(deps, row.id, row.confirmRequestedAt));
    if (queued) enqueued += 1;
  }
  if (rows.length) {
    deps.logger.child({ module: 'subscriptions' }).info({ event: 'confirmation_sweep', found: rows.length, enqueued }, 'swept unsent confirmations');
  }
  return { found: rows.length, enqueued };
}
