// Amazon SES bounce and complaint notifications, delivered by SNS. Both
// notification shapes are read: "notificationType" (identity notifications)
// and "eventType" (configuration-set event publishing).
import type { Config } from '../../config.js';
import type { Feedback } from '../feedback.js';
import { findVerpTarget } from '../../mail/verp.js';
import { parseSnsMessage, type FetchText, type SnsMessage } from './sns.js';
import { bracketed, checkFreshness, parseJson, WebhookError, type VerifiedBatch } from './webhook-intake.js';

type SesConfig = Pick<Config, 'secretKey' | 'deliverability'>;

/** SNS may retry for hours after an outage; older deliveries are refused. */
const SNS_MAX_AGE_SECONDS = 24 * 3600;

interface SesMail {
  source?: string;
  commonHeaders?: { messageId?: string };
  destination?: string[];
}

interface SesNotification {
  notificationType?: string;
  eventType?: string;
  mail?: SesMail;
  bounce?: {
    bounceType?: string;
    bounceSubType?: string;
    bouncedRecipients?: Array<{ emailAddress?: string; status?: string; diagnosticCode?: string }>;
  };
  complaint?: { complainedRecipients?: Array<{ emailAddress?: string }>; complaintFeedbackType?: string };
}

export type SesOutcome =
  { kind: 'batch'; batch: VerifiedBatch } | { kind: 'subscription'; subscribeUrl: string; replayKey: string };

export function sesFeedback(config: SesConfig, notification: SesNotification): Feedback[] {
  const type = notification.notificationType ?? notification.eventType;
  const mail = notification.mail ?? {};
  // One recipient per message is how Paperboy sends, so the message's own references apply to it.
  const single = (mail.destination?.length ?? 1) === 1;
  const verp = single && mail.source ? findVerpTarget(config, mail.source) : null;
  const shared = {
    ...(verp?.kind === 'delivery' ? { deliveryId: verp.id } : verp ? { subscriberId: verp.id } : {}),
    ...(single && bracketed(mail.commonHeaders?.messageId)
      ? { messageId: bracketed(mail.commonHeaders?.messageId) }
      : {}),
  };
  if (type === 'Bounce') {
    const permanent = notification.bounce?.bounceType === 'Permanent';
    return (notification.bounce?.bouncedRecipients ?? []).map((r) => ({
      kind: permanent ? 'hard_bounce' : 'soft_bounce',
      target: { ...shared, email: r.emailAddress },
      source: 'ses',
      detail: [notification.bounce?.bounceType, notification.bounce?.bounceSubType, r.status, r.diagnosticCode]
        .filter(Boolean)
        .join(' '),
    }));
  }
  if (type === 'Complaint') {
    const feedbackType = notification.complaint?.complaintFeedbackType;
    if (feedbackType === 'not-spam') return [];
    return (notification.complaint?.complainedRecipients ?? []).map((r) => ({
      kind: 'complaint',
      target: { ...shared, email: r.emailAddress },
      source: 'ses',
      detail: `complaint ${feedbackType ?? 'unspecified'}`,
    }));
  }
  return [];
}

/**
 * Verifies an SNS POST and turns it into feedback. A SubscriptionConfirmation
 * for an allowed topic is answered by visiting its SubscribeURL (an Amazon
 * host, checked by the fetcher).
 */
export async function readSesWebhook(
  config: SesConfig,
  verify: (message: SnsMessage) => Promise<void>,
  raw: Buffer,
  now = Date.now(),
): Promise<SesOutcome> {
  const allowed = config.deliverability.webhooks.sesTopicArns;
  if (!allowed.length) throw new WebhookError('not_configured', 'SES webhooks are off: set SES_TOPIC_ARNS');
  const message = parseSnsMessage(parseJson(raw));
  if (!allowed.includes(message.TopicArn))
    throw new WebhookError('unauthenticated', 'TopicArn is not one of SES_TOPIC_ARNS');
  await verify(message);
  checkFreshness(Date.parse(message.Timestamp) / 1000, now, SNS_MAX_AGE_SECONDS);
  if (message.Type !== 'Notification') {
    if (!message.SubscribeURL) throw new WebhookError('malformed', 'subscription message without SubscribeURL');
    return { kind: 'subscription', subscribeUrl: message.SubscribeURL, replayKey: message.MessageId };
  }
  const notification = parseJson(message.Message) as SesNotification;
  return { kind: 'batch', batch: { replayKey: message.MessageId, feedback: sesFeedback(config, notification) } };
}

export type { FetchText };
