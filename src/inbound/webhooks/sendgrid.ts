// SendGrid's signed event webhook: an ECDSA (P-256, SHA-256) signature over
// the timestamp header followed by the raw body, checked against the public
// key shown in SendGrid's settings (base64 DER).
import { createHash, createPublicKey, verify } from 'node:crypto';
import type { Config } from '../../config.js';
import type { Feedback } from '../feedback.js';
import { bracketed, checkFreshness, parseJson, WebhookError, type VerifiedBatch } from './webhook-intake.js';

export const SIGNATURE_HEADER = 'x-twilio-email-event-webhook-signature';
export const TIMESTAMP_HEADER = 'x-twilio-email-event-webhook-timestamp';

interface SendgridEvent {
  email?: string;
  event?: string;
  type?: string;
  reason?: string;
  status?: string;
  'smtp-id'?: string;
}

function toFeedback(e: SendgridEvent): Feedback | null {
  const target = { email: e.email, ...(bracketed(e['smtp-id']) ? { messageId: bracketed(e['smtp-id']) } : {}) };
  const detail = [e.event, e.type, e.status, e.reason].filter(Boolean).join(' ').slice(0, 300);
  switch (e.event) {
    case 'bounce':
      // type "blocked" is the receiving server refusing for now (reputation, content): soft.
      return { kind: e.type === 'blocked' ? 'soft_bounce' : 'hard_bounce', target, source: 'sendgrid', detail };
    case 'deferred':
      return { kind: 'delayed', target, source: 'sendgrid', detail };
    case 'spamreport':
      return { kind: 'complaint', target, source: 'sendgrid', detail };
    case 'unsubscribe':
    case 'group_unsubscribe':
      return { kind: 'unsubscribe', target, source: 'sendgrid', detail };
    default:
      return null; // processed, delivered, open, click, dropped (SendGrid's own suppression): nothing to do
  }
}

export function readSendgridWebhook(
  config: Pick<Config, 'deliverability'>,
  headers: Record<string, string | undefined>,
  raw: Buffer,
  now = Date.now(),
): VerifiedBatch {
  const key = config.deliverability.webhooks.sendgridPublicKey;
  if (!key) throw new WebhookError('not_configured', 'SendGrid webhooks are off: set SENDGRID_WEBHOOK_PUBLIC_KEY');
  const signature = headers[SIGNATURE_HEADER];
  const timestamp = headers[TIMESTAMP_HEADER];
  if (!signature || !timestamp)
    throw new WebhookError('unauthenticated', `missing ${SIGNATURE_HEADER} or ${TIMESTAMP_HEADER}`);
  const publicKey = createPublicKey({ key: Buffer.from(key, 'base64'), format: 'der', type: 'spki' });
  const valid = verify(
    'sha256',
    Buffer.concat([Buffer.from(timestamp), raw]),
    { key: publicKey, dsaEncoding: 'der' },
    Buffer.from(signature, 'base64'),
  );
  if (!valid) throw new WebhookError('unauthenticated', 'SendGrid signature does not match');
  checkFreshness(Number(timestamp), now);
  const events = parseJson(raw);
  if (!Array.isArray(events)) throw new WebhookError('malformed', 'SendGrid events must be a JSON array');
  return {
    replayKey: createHash('sha256').update(signature).digest('hex'),
    feedback: (events as SendgridEvent[]).map(toFeedback).filter((f): f is Feedback => f !== null),
  };
}
