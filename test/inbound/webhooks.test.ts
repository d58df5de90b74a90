// POST /webhooks/{ses,sendgrid,mailgun,postmark}: for each provider, a
// valid delivery is applied, a tampered one refused (401), a replayed one
// refused (409 or 401 when its signed timestamp is stale). Payloads are the
// providers' documented examples (test/fixtures/webhooks).
import { createHmac, createSign, generateKeyPairSync, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import request from 'supertest';
import type { Express } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/http/app.js';
import { snsStringToSign, type SnsMessage } from '../../src/inbound/webhooks/sns.js';
import { createTestEnv, type TestEnv } from '../helpers/context.js';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/webhooks/${name}`, import.meta.url), 'utf8');
const TOPIC = 'arn:aws:sns:us-west-2:123456789012:ses-feedback';
const MAILGUN_KEY = 'key-mailgun-signing-0123456789abcdef';
const POSTMARK_SECRET = 'postmark-webhook-secret-0123456789';
const sendgridKeys = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });

describe('provider webhooks', () => {
  let env: TestEnv;
  let app: Express;
  const fetched: string[] = [];

  beforeAll(async () => {
    env = await createTestEnv({
      SES_TOPIC_ARNS: TOPIC,
      SENDGRID_WEBHOOK_PUBLIC_KEY: sendgridKeys.publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
      MAILGUN_WEBHOOK_SIGNING_KEY: MAILGUN_KEY,
      POSTMARK_WEBHOOK_SECRET: POSTMARK_SECRET,
    });
    // The injected fetcher stands for Amazon's certificate host: it serves the locally generated test certificate.
    app = createApp(env.ctx, {
      webhooks: {
        snsFetch: async (url) => {
          fetched.push(url);
          return fixture('sns-test-cert.pem');
        },
      },
    });
    const list = await env.ctx.db.list.create({ data: { slug: 'trending', name: 'Trending' } });
    for (const email of [
      'jane@example.com',
      'richard@example.com',
      'bounced@example.com',
      'spam@example.com',
      'delivered@example.com',
      'alice@example.com',
      'john@example.com',
      'complainer@example.com',
    ]) {
      await env.ctx.db.subscriber.create({
        data: { email, status: 'active', subscriptions: { create: [{ listId: list.id, confirmedAt: new Date() }] } },
      });
    }
  });
  afterAll(async () => {
    await env?.cleanup();
  });

  const statusOf = async (email: string) =>
    (await env.ctx.db.subscriber.findUniqueOrThrow({ where: { email } })).status;

  describe('SES through SNS (message signature, certificate from an amazonaws host)', () => {
    function snsPost(notification: string, overrides: Partial<SnsMessage> = {}): SnsMessage {
      const message = {
        ...JSON.parse(fixture('sns-envelope.json')),
        Message: notification,
        Timestamp: new Date().toISOString(),
        ...overrides,
      } as SnsMessage;
      const signer = createSign('RSA-SHA1');
      signer.update(snsStringToSign(message));
      return { ...message, Signature: signer.sign(fixture('sns-test-key.pem'), 'base64') };
    }
    const post = (body: unknown) =>
      request(app).post('/webhooks/ses').set('Content-Type', 'text/plain; charset=UTF-8').send(JSON.stringify(body));

    it('valid: a Permanent bounce bounces the reader and suppresses the address; a complaint complains', async () => {
      const bounce = await post(snsPost(fixture('ses-bounce-notification.json')));
      expect(bounce.status).toBe(200);
      expect(bounce.body).toEqual({ status: 'ok', applied: 1, ignored: 0 });
      expect(await statusOf('jane@example.com')).toBe('bounced');
      expect(await env.ctx.db.suppression.findUnique({ where: { email: 'jane@example.com' } })).toMatchObject({
        reason: 'hard_bounce',
        source: 'ses',
      });
      expect(fetched.every((url) => url.startsWith('https://sns.us-west-2.amazonaws.com/'))).toBe(true);
      const complaint = await post(
        snsPost(fixture('ses-complaint-notification.json'), { MessageId: 'c0ffee00-0000-4000-8000-000000000001' }),
      );
      expect(complaint.status).toBe(200);
      expect(await statusOf('richard@example.com')).toBe('complained');
    });

    it('tampered: a changed message, a certificate URL off Amazon, or an unknown topic is refused', async () => {
      const signed = snsPost(fixture('ses-bounce-notification.json'), {
        MessageId: 'c0ffee00-0000-4000-8000-000000000002',
      });
      const changed = await post({
        ...signed,
        Message: signed.Message.replace('jane@example.com', 'john@example.com'),
      });
      expect(changed.status).toBe(401);
      expect(changed.body.error.message).toContain('signature');
      const offAmazon = await post({
        ...signed,
        SigningCertURL: 'https://sns.us-west-2.amazonaws.com.evil.example/cert.pem',
      });
      expect(offAmazon.status).toBe(401);
      expect(fetched.some((url) => url.includes('evil'))).toBe(false);
      const topic = await post(
        snsPost(fixture('ses-bounce-notification.json'), { TopicArn: 'arn:aws:sns:us-west-2:999999999999:other' }),
      );
      expect(topic.status).toBe(401);
      expect(await statusOf('john@example.com')).toBe('active');
    });

    it('replayed: the same MessageId again is refused, and so is a delivery signed a day ago', async () => {
      const signed = snsPost(fixture('ses-complaint-notification.json'), {
        MessageId: 'c0ffee00-0000-4000-8000-000000000003',
      });
      expect((await post(signed)).status).toBe(200);
      const again = await post(signed);
      expect(again.status).toBe(409);
      const old = await post(
        snsPost(fixture('ses-complaint-notification.json'), {
          MessageId: 'c0ffee00-0000-4000-8000-000000000004',
          Timestamp: new Date(Date.now() - 25 * 3600_000).toISOString(),
        }),
      );
      expect(old.status).toBe(401);
      expect(await env.ctx.db.mailEvent.count({ where: { source: 'ses', kind: 'complaint' } })).toBe(2);
    });
  });

  describe('SendGrid (signed event webhook, ECDSA)', () => {
    function signed(body: string, timestamp = String(Math.floor(Date.now() / 1000))) {
      const signature = sign('sha256', Buffer.from(timestamp + body), {
        key: sendgridKeys.privateKey,
        dsaEncoding: 'der',
      }).toString('base64');
      return {
        'X-Twilio-Email-Event-Webhook-Signature': signature,
        'X-Twilio-Email-Event-Webhook-Timestamp': timestamp,
      };
    }
    const post = (body: string, headers: Record<string, string>) =>
      request(app).post('/webhooks/sendgrid').set('Content-Type', 'application/json').set(headers).send(body);

    it('valid: bounce and spam report applied, delivered ignored', async () => {
      const body = fixture('sendgrid-events.json');
      const res = await post(body, signed(body));
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ status: 'ok', applied: 2, ignored: 0 });
      expect(await statusOf('bounced@example.com')).toBe('bounced');
      expect(await statusOf('spam@example.com')).toBe('complained');
      expect(await statusOf('delivered@example.com')).toBe('active');
    });

    it('tampered: a body changed after signing is refused', async () => {
      const body = fixture('sendgrid-events.json');
      const res = await post(body.replace('spam@example.com', 'delivered@example.com'), signed(body));
      expect(res.status).toBe(401);
      expect(await statusOf('delivered@example.com')).toBe('active');
    });

    it('replayed: the same signed request again is refused; an old timestamp too', async () => {
      const body = JSON.stringify([
        { email: 'delivered@example.com', event: 'deferred', timestamp: 1, response: '421 try later' },
      ]);
      const headers = signed(body);
      expect((await post(body, headers)).status).toBe(200);
      expect((await post(body, headers)).status).toBe(409);
      expect((await post(body, signed(body, String(Math.floor(Date.now() / 1000) - 3600)))).status).toBe(401);
    });
  });

  describe('Mailgun (HMAC of timestamp and token)', () => {
    function signedBody(token: string, timestamp = String(Math.floor(Date.now() / 1000))) {
      const body = JSON.parse(fixture('mailgun-failed-permanent.json'));
      body.signature = {
        timestamp,
        token,
        signature: createHmac('sha256', MAILGUN_KEY)
          .update(timestamp + token)
          .digest('hex'),
      };
      return body;
    }
    const post = (body: object) => request(app).post('/webhooks/mailgun').send(body);

    it('valid: a permanent failure bounces the reader', async () => {
      const res = await post(signedBody('a8ce0edb2dd8301dee6c2405235584e45aa91d1e9f979f3de0'));
      expect(res.status).toBe(200);
      expect(await statusOf('alice@example.com')).toBe('bounced');
    });

    it('tampered: a timestamp changed after signing is refused', async () => {
      const body = signedBody('b8ce0edb2dd8301dee6c2405235584e45aa91d1e9f979f3de1');
      body.signature.timestamp = String(Number(body.signature.timestamp) + 1);
      expect((await post(body)).status).toBe(401);
    });

    it('replayed: a used token is refused; so is a stale timestamp', async () => {
      const body = signedBody('c8ce0edb2dd8301dee6c2405235584e45aa91d1e9f979f3de2');
      expect((await post(body)).status).toBe(200);
      expect((await post(body)).status).toBe(409);
      expect(
        (
          await post(
            signedBody(
              'd8ce0edb2dd8301dee6c2405235584e45aa91d1e9f979f3de3',
              String(Math.floor(Date.now() / 1000) - 7200),
            ),
          )
        ).status,
      ).toBe(401);
    });
  });

  describe('Postmark (basic auth or a secret header)', () => {
    const basic = `Basic ${Buffer.from(`postmark:${POSTMARK_SECRET}`).toString('base64')}`;
    const post = (body: string, headers: Record<string, string>) =>
      request(app).post('/webhooks/postmark').set('Content-Type', 'application/json').set(headers).send(body);

    it('valid: a hard bounce (basic auth) and a spam complaint (secret header) are applied', async () => {
      expect((await post(fixture('postmark-bounce.json'), { Authorization: basic })).status).toBe(200);
      expect(await statusOf('john@example.com')).toBe('bounced');
      expect(
        (await post(fixture('postmark-spam-complaint.json'), { 'X-Webhook-Secret': POSTMARK_SECRET })).status,
      ).toBe(200);
      expect(await statusOf('complainer@example.com')).toBe('complained');
    });

    it('tampered: wrong or missing credentials are refused', async () => {
      const wrong = `Basic ${Buffer.from('postmark:guess-guess-guess-guess').toString('base64')}`;
      expect((await post(fixture('postmark-bounce.json'), { Authorization: wrong })).status).toBe(401);
      expect((await post(fixture('postmark-bounce.json'), {})).status).toBe(401);
    });

    it('replayed: the same record id again is refused', async () => {
      const res = await post(fixture('postmark-bounce.json'), { Authorization: basic });
      expect(res.status).toBe(409);
      expect(res.body.error.code).toBe('conflict');
      expect(await env.ctx.db.mailEvent.count({ where: { source: 'postmark', kind: 'hard_bounce' } })).toBe(1);
    });
  });

  it('a provider without its secret configured answers 404, and a refusal never changes anyone', async () => {
    const bare = await createTestEnv();
    try {
      const res = await request(createApp(bare.ctx)).post('/webhooks/mailgun').send({});
      expect(res.status).toBe(404);
      expect(res.body.error.message).toContain('MAILGUN_WEBHOOK_SIGNING_KEY');
    } finally {
      await bare.cleanup();
    }
  });
});
