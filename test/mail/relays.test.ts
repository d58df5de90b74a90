// Several relays (SMTP_URLS): a relay that is down or answers 4xx is
// passed over for the next one, and set aside after repeated failures; a
// 5xx is about the message, so no other relay is tried. The per-relay rate
// window lives in Redis, so every worker shares it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRelayRateLimiter, relayRateKey } from '../../src/jobs/relay-rate-limit.js';
import { createMailTransport, MailSendError, relayLabel, type RelayEvent } from '../../src/mail/transport.js';
import { createRedis } from '../../src/redis.js';
import { SmtpSink } from '../helpers/smtp-sink.js';
import { TEST_REDIS_URL } from '../helpers/context.js';

const mail = (to: string) => ({
  from: 'Paperboy <digest@paperboy.test>',
  to,
  subject: 'Hello',
  html: '<p>Hi</p>',
  text: 'Hi',
});

describe('several relays with failover', () => {
  const first = new SmtpSink();
  const second = new SmtpSink();
  let deadUrl: string;

  beforeAll(async () => {
    await first.start();
    await second.start();
    // A port where nothing listens: a relay that is down.
    const gone = await new SmtpSink().start();
    deadUrl = gone.url;
    await gone.stop();
  });
  afterAll(async () => {
    await first.stop();
    await second.stop();
  });

  it('with the first relay down, every message goes through the second; the dead one is set aside', async () => {
    const events: RelayEvent[] = [];
    const transport = createMailTransport({
      smtpUrls: [deadUrl, second.url],
      poolSize: 1,
      ratePerSecond: 0,
      failover: { failures: 2, cooldownMs: 60_000 },
      onRelayEvent: (e) => events.push(e),
    });
    try {
      for (const n of [1, 2, 3, 4]) await transport.send(mail(`r${n}@example.org`));
      expect(second.messages.map((m) => m.envelope.to[0])).toEqual([
        'r1@example.org',
        'r2@example.org',
        'r3@example.org',
        'r4@example.org',
      ]);
      // Two failovers, then the dead relay is set aside and no longer tried first.
      // The first send fails over; the second fails over again and sets the dead relay aside; later ones go straight to the live one.
      expect(events.map((e) => e.event)).toEqual([
        'smtp_relay_failover',
        'smtp_relay_set_aside',
        'smtp_relay_failover',
      ]);
      expect(events.filter((e) => e.event === 'smtp_relay_set_aside')).toEqual([
        expect.objectContaining({ relay: relayLabel(deadUrl) }),
      ]);
      expect(JSON.stringify(events)).not.toContain('smtp://');
    } finally {
      transport.close();
      second.clear();
    }
  });

  it('a relay answering 4xx hands the message to the next one; a 5xx is final and tries no other relay', async () => {
    const transport = createMailTransport({
      smtpUrls: [first.url, second.url],
      poolSize: 1,
      ratePerSecond: 0,
      failover: { failures: 3, cooldownMs: 60_000 },
    });
    try {
      first.refuse({ code: 451, message: '4.7.1 Greylisted' });
      await transport.send(mail('grey@example.org'));
      expect(second.to('grey@example.org')).toHaveLength(1);
      first.refuse({ code: 550, message: '5.1.1 No such user', recipients: ['nobody@example.org'] });
      const error = await transport.send(mail('nobody@example.org')).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MailSendError);
      expect((error as MailSendError).kind).toBe('permanent');
      expect(second.to('nobody@example.org')).toHaveLength(0);
      first.refuse(undefined);
      await transport.send(mail('back@example.org'));
      expect(first.to('back@example.org')).toHaveLength(1);
    } finally {
      first.refuse(undefined);
      transport.close();
    }
  });

  it('every relay down: the failure is transient (the job retries later)', async () => {
    const transport = createMailTransport({ smtpUrls: [deadUrl, deadUrl], poolSize: 1, ratePerSecond: 0 });
    try {
      const error = await transport.send(mail('later@example.org')).catch((e: unknown) => e);
      expect((error as MailSendError).kind).toBe('transient');
    } finally {
      transport.close();
    }
  });

  it('the per-relay window is shared through Redis by every worker', async () => {
    const redis = createRedis(TEST_REDIS_URL, 'worker');
    const keyPrefix = `relaytest${process.pid}`;
    try {
      const options = { redis, keyPrefix, limit: 2, windowMs: 60_000 };
      const workerA = createRelayRateLimiter(options);
      const workerB = createRelayRateLimiter(options);
      expect(await workerA.tryAcquire('smtp-a:587')).toBe(0);
      expect(await workerB.tryAcquire('smtp-a:587')).toBe(0);
      const wait = await workerA.tryAcquire('smtp-a:587');
      expect(wait).toBeGreaterThan(0);
      expect(wait).toBeLessThanOrEqual(60_000);
      // Another relay has its own window.
      expect(await workerB.tryAcquire('smtp-b:587')).toBe(0);
      expect(await redis.zcard(relayRateKey(keyPrefix, 'smtp-a:587'))).toBe(2);
    } finally {
      await redis.del(relayRateKey(keyPrefix, 'smtp-a:587'), relayRateKey(keyPrefix, 'smtp-b:587'));
      redis.disconnect();
    }
  });
});
