// Postmark webhooks carry no signature: the URL holds basic-auth
// credentials (https://user:secret@host/webhooks/postmark) or a custom
// header X-Webhook-Secret. Either must match POSTMARK_WEBHOOK_SECRET.
// Replays are refused by the record's own id.
import { timingSafeEqual } from 'node:crypto';
import type { Config } from '../../config.js';
import type { Feedback } from '../feedback.js';
import { parseJson, WebhookError, type VerifiedBatch } from './webhook-intake.js';

export const SECRET_HEADER = 'x-webhook-secret';

interface PostmarkRecord {
  RecordType?: string;
  ID?: number | string;
  Type?: string;
  MessageID?: string;
  Email?: string;
  Recipient?: string;
  Description?: string;
  SuppressSending?: boolean;
  SuppressionReason?: string;
  ChangedAt?: string;
}

const HARD = new Set(['HardBounce', 'BadEmailAddress', 'ManuallyDeactivated', 'Blocked']);
const SOFT = new Set(['SoftBounce', 'Transient', 'DnsError']);

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function presentedSecret(headers: Record<string, string | undefined>): string | undefined {
  const basic = /^Basic\s+(\S+)$/i.exec(headers.authorization ?? '')?.[1];
  if (basic) return Buffer.from(basic, 'base64').toString('utf8').split(':').slice(1).join(':');
  return headers[SECRET_HEADER];
}

function toFeedback(r: PostmarkRecord): Feedback | null {
  const detail = [r.RecordType, r.Type, r.SuppressionReason, r.Description].filter(Boolean).join(' ').slice(0, 300);
  if (r.RecordType === 'Bounce' && r.Type && (HARD.has(r.Type) || SOFT.has(r.Type))) {
    return {
      kind: HARD.has(r.Type) ? 'hard_bounce' : 'soft_bounce',
      target: { email: r.Email },
      source: 'postmark',
      detail,
    };
  }
  if (r.RecordType === 'SpamComplaint')
    return { kind: 'complaint', target: { email: r.Email }, source: 'postmark', detail };
  if (r.RecordType === 'SubscriptionChange' && r.SuppressSending && r.SuppressionReason === 'ManualSuppression') {
    return { kind: 'unsubscribe', target: { email: r.Recipient }, source: 'postmark', detail };
  }
  return null;
}

export function readPostmarkWebhook(
  config: Pick<Config, 'deliverability'>,
  headers: Record<string, string | undefined>,
  raw: Buffer,
): VerifiedBatch {
  const secret = config.deliverability.webhooks.postmarkSecret;
  if (!secret) throw new WebhookError('not_configured', 'Postmark webhooks are off: set POSTMARK_WEBHOOK_SECRET');
  const given = presentedSecret(headers);
  if (!given || !same(given, secret))
    throw new WebhookError('unauthenticated', 'Postmark basic auth or X-Webhook-Secret does not match');
  const record = parseJson(raw) as PostmarkRecord;
  const id =
    record?.ID ?? (record?.MessageID && record.ChangedAt ? `${record.MessageID}@${record.ChangedAt}` : undefined);
  if (!record?.RecordType || id === undefined)
    throw new WebhookError('malformed', 'Postmark record without RecordType and ID');
  const feedback = toFeedback(record);
  return { replayKey: `${record.RecordType}:${id}`, feedback: feedback ? [feedback] : [] };
}
