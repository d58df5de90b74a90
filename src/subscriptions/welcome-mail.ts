// The welcome email, sent once a subscriber confirms: what they will get and
// the links to change it. Best effort: if Redis is down at confirmation the
// welcome is skipped (the confirmed page shows the same links).
import { maskEmail } from '../logger.js';
import { AUTO_SUBMITTED, BULK, feedbackId, listHeaders, listIdFor } from '../mail/headers.js';
import { verpAddress } from '../mail/verp.js';
import { enqueueMailJob } from './confirmation-mail.js';
import type { MailerDeps, SubscriptionDeps } from './deps.js';
import { subscriberLinks } from './links.js';
import { describeSchedule } from './schedule-text.js';
import { findSubscriptions } from './subscriber-repo.js';
import { isSuppressed } from './suppression-repo.js';
import { renderSubscriptionEmail, transactionalMessageId } from './subscription-emails.js';

export function enqueueWelcome(deps: SubscriptionDeps, subscriberId: number, confirmedAt: Date): Promise<boolean> {
  return enqueueMailJob(deps, 'welcome', subscriberId, () => deps.mailJobs.enqueueWelcome(subscriberId, confirmedAt));
}

export async function sendWelcome(deps: MailerDeps, subscriberId: number): Promise<'sent' | 'skipped'> {
  const subscriber = await deps.db.subscriber.findUnique({ where: { id: subscriberId } });
  if (!subscriber?.email || subscriber.status !== 'active' || !subscriber.confirmedAt) return 'skipped';
  if (await isSuppressed(deps.db, subscriber.email)) return 'skipped';
  const lists = (await findSubscriptions(deps.db, subscriberId)).filter((s) => s.confirmedAt);
  const links = subscriberLinks(deps.config, subscriberId);
  const { html, text } = await renderSubscriptionEmail('welcome', {
    lists: lists.map((s) => ({ name: s.list.name, description: s.list.description })),
    schedule: describeSchedule(subscriber),
    preferencesUrl: links.preferences,
    unsubscribeUrl: links.unsubscribe,
    siteUrl: deps.config.publicUrl,
  });
  await deps.mailer.send({
    from: deps.config.mailFrom,
    to: subscriber.email,
    subject: 'Welcome to Paperboy',
    html,
    text,
    messageId: transactionalMessageId(deps.config, 'welcome', subscriberId, subscriber.confirmedAt),
    envelopeFrom: verpAddress(deps.config, { kind: 'subscriber', id: subscriberId }),
    headers: {
      ...listHeaders({
        unsubscribeUrl: links.unsubscribe,
        unsubscribeMailto: deps.config.unsubscribeMailto,
        listId: listIdFor(deps.config.publicUrl),
      }),
      ...BULK,
      ...AUTO_SUBMITTED,
      'Feedback-ID': feedbackId('welcome', 'transactional', deps.config.publicUrl),
    },
  });
  deps.logger
    .child({ module: 'subscriptions' })
    .info({ event: 'welcome_sent', subscriberId, to: maskEmail(subscriber.email) }, 'welcome sent');
  return 'sent';
}
