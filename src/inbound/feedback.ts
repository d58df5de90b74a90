// One place where mail that came back changes state, whichever way it came
// (the inbound SMTP listener or a provider webhook):
// - hard bounce: the delivery and the subscriber are bounced, the address suppressed;
// - soft bounce: counted; SOFT_BOUNCE_LIMIT of them within the window bounce the subscriber;
// - complaint: the subscriber is complained (no more mail), the address suppressed;
// - unsubscribe: as the one-click link does.
// Every call leaves a MailEvent row (and a consent record for opt-outs).
import type { Config } from '../config.js';
import type { Db } from '../db.js';
import type { Logger } from '../logger.js';
import { suppressAddress } from '../subscriptions/suppression-repo.js';
import { unsubscribe } from '../subscriptions/unsubscribe.js';
import {
  countSoftBounces,
  findRecipientByDelivery,
  findRecipientByEmail,
  findRecipientByMessageId,
  findRecipientBySubscriber,
  listSlugsOf,
  markDeliveryBounced,
  markSubscriberBounced,
  markSubscriberComplained,
  recordComplaintConsent,
  recordMailEvent,
  type FeedbackRecipient,
} from './feedback-repo.js';

export interface FeedbackDeps {
  db: Db;
  logger: Logger;
  config: Pick<Config, 'deliverability'>;
}

export type FeedbackKind = 'hard_bounce' | 'soft_bounce' | 'delayed' | 'complaint' | 'unsubscribe';

/** Who the feedback is about, most precise first. Only signed or unguessable references, or a provider-verified address. */
export interface FeedbackTarget {
  deliveryId?: number;
  subscriberId?: number;
  messageId?: string;
  email?: string;
}

export interface Feedback {
  kind: FeedbackKind;
  target: FeedbackTarget;
  /** inbound | ses | sendgrid | postmark | mailgun */
  source: string;
  /** Status code, feedback type or provider reason; no address. */
  detail?: string;
}

export type FeedbackResult =
  { applied: true; subscriberId: number; changed: boolean } | { applied: false; reason: 'unknown_recipient' };

async function resolve(db: Db, target: FeedbackTarget): Promise<FeedbackRecipient | null> {
  if (target.deliveryId) {
    const found = await findRecipientByDelivery(db, target.deliveryId);
    if (found) return found;
  }
  if (target.messageId) {
    const found = await findRecipientByMessageId(db, target.messageId);
    if (found) return found;
  }
  if (target.subscriberId) {
    const found = await findRecipientBySubscriber(db, target.subscriberId);
    if (found) return found;
  }
  return target.email ? findRecipientByEmail(db, target.email) : null;
}

export async function applyFeedback(deps: FeedbackDeps, feedback: Feedback, now = new Date()): Promise<FeedbackResult> {
  const log = deps.logger.child({ module: 'inbound' });
  const recipient = await resolve(deps.db, feedback.target);
  if (!recipient) {
    await recordMailEvent(deps.db, {
      kind: 'ignored',
      source: feedback.source,
      detail: `${feedback.kind} for no known subscriber`,
    });
    log.warn(
      { event: 'feedback_unmatched', kind: feedback.kind, source: feedback.source },
      'feedback about no known subscriber',
    );
    return { applied: false, reason: 'unknown_recipient' };
  }
  const { subscriberId, email, deliveryId } = recipient;
  const event = { source: feedback.source, subscriberId, deliveryId, detail: feedback.detail };
  let changed = false;

  switch (feedback.kind) {
    case 'hard_bounce':
      await deps.db.$transaction(async (tx) => {
        await recordMailEvent(tx, { kind: 'hard_bounce', ...event });
        if (deliveryId) await markDeliveryBounced(tx, deliveryId, now);
        changed = await markSubscriberBounced(tx, subscriberId, now);
        if (email) await suppressAddress(tx, email, 'hard_bounce', feedback.source);
      });
      break;
    case 'soft_bounce': {
      const { limit, windowDays } = deps.config.deliverability.softBounces;
      await deps.db.$transaction(async (tx) => {
        await recordMailEvent(tx, { kind: 'soft_bounce', ...event });
        const recent = await countSoftBounces(tx, subscriberId, new Date(now.getTime() - windowDays * 86_400_000));
        if (recent >= limit) changed = await markSubscriberBounced(tx, subscriberId, now);
      });
      break;
    }
    case 'delayed':
      await recordMailEvent(deps.db, { kind: 'delayed', ...event });
      break;
    case 'complaint':
      await deps.db.$transaction(async (tx) => {
        await recordMailEvent(tx, { kind: 'complaint', ...event });
        changed = await markSubscriberComplained(tx, subscriberId, now);
        if (changed)
          await recordComplaintConsent(tx, subscriberId, await listSlugsOf(tx, subscriberId), feedback.source);
        if (email) await suppressAddress(tx, email, 'complaint', feedback.source);
      });
      break;
    case 'unsubscribe': {
      const outcome = await unsubscribe(
        deps,
        subscriberId,
        { ip: null, userAgent: null, via: feedback.source === 'inbound' ? 'mailto' : 'provider' },
        now,
      );
      changed = outcome === 'unsubscribed';
      await recordMailEvent(deps.db, { kind: 'unsubscribe', ...event });
      break;
    }
  }
  log.info(
    { event: `feedback_${feedback.kind}`, source: feedback.source, subscriberId, deliveryId, changed },
    `${feedback.kind.replace('_', ' ')} recorded`,
  );
  return { applied: true, subscriberId, changed };
}
