// Mailgun webhooks: HMAC-SHA256 of timestamp + token with the webhook
// signing key, hex. The token is single-use: a second POST with it is a replay.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Config } from '../../config.js';
import type { Feedback } from '../feedback.js';
import { bracketed, checkFreshness, parseJson, WebhookError, type VerifiedBatch } from './webhook-intake.js';

interface MailgunBody {
  signature?: { timestamp?: string; token?: string; signature?: string };
  'event-data'?: {
    event?: string;
    severity?: string;
    reason?: string;
    recipient?: string;
    'delivery-status'?: { code?: number; message?: string; description?: string };
    message?: { headers?: { 'message-id'?: string } };
  };
}

export function mailgunSignature(signingKey: string, timestamp: string, token: string): string {
  return createHmac('sha256', signingKey)
    .update(timestamp + token)
    .digest('hex');
}

function toFeedback(data: NonNullable<MailgunBody['event-data']>): Feedback | null {
  const messageId = bracketed(data.message?.headers?.['message-id']);
  const target = { email: data.recipient, ...(messageId ? { messageId } : {}) };
  const status = data['delivery-status'];
  const detail = [data.event, data.severity, data.reason, status?.code, status?.message || status?.description]
    .filter(Boolean)
    .join(' ')
    .slice(0, 300);
  switch (data.event) {
    case 'failed':
      return { kind: data.severity === 'permanent' ? 'hard_bounce' : 'soft_bounce', target, source: 'mailgun', detail };
    case 'complained':
      return { kind: 'complaint', target, source: 'mailgun', detail };
    case 'unsubscribed':
      return { kind: 'unsubscribe', target, source: 'mailgun', detail };
    default:
      return null;
  }
}

export function readMailgunWebhook(
  config: Pick<Config, 'deliverability'>,
  raw: Buffer,
  now = Date.now(),
): VerifiedBatch {
  const key = config.deliverability.webhooks.mailgunSigningKey;
  if (!key) throw new WebhookError('not_configured', 'Mailgun webhooks are off: set MAILGUN_WEBHOOK_SIGNING_KEY');
  const body = parseJson(raw) as MailgunBody;
  const { timestamp, token, signature } = body?.signature ?? {};
  if (typeof timestamp !== 'string' || typeof token !== 'string' || typeof signature !== 'string') {
    throw new WebhookError('unauthenticated', 'missing signature.timestamp, signature.token or signature.signature');
  }
  const expected = Buffer.from(mailgunSignature(key, timestamp, token));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    throw new WebhookError('unauthenticated', 'Mailgun signature does not match');
  checkFreshness(Number(timestamp), now);
  const feedback = body['event-data'] ? toFeedback(body['event-data']) : null;
  return { replayKey: token, feedback: feedback ? [feedback] : [] };
}
