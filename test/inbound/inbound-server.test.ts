// The real SMTP listener, fed real report formats over SMTP: the RFC 3464
// and RFC 5965 examples and real-world-shaped samples (Postfix returning
// Gmail's 550 5.1.1, Yahoo's feedback loop), mail to the unsubscribe
// address, and what it must refuse or ignore without falling over.
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectFeedbackStats, registerFeedbackGauges } from '../../src/inbound/feedback-stats.js';
import { startInboundServer, type InboundServer } from '../../src/inbound/inbound-server.js';
import { verpAddress } from '../../src/mail/verp.js';
import { createLogger } from '../../src/logger.js';
import { createMailTransport, MailSendError, type MailTransport } from '../../src/mail/transport.js';
import { createTestEnv, type TestEnv } from '../helpers/context.js';
import { fixture, fixtureFor, INBOUND_SETTINGS, readerWithDelivery } from './inbound-env.js';

describe('paperboy inbound: the SMTP listener for mail coming back', () => {
  let env: TestEnv;
  let server: InboundServer;
  let smtp: MailTransport;
  const logLines: Array<Record<string, unknown>> = [];

  beforeAll(async () => {
    env = await createTestEnv(INBOUND_SETTINGS);
    const logger = createLogger('info', {
      write: (line: string) => void logLines.push(JSON.parse(line) as Record<string, unknown>),
    });
    server = await startInboundServer({ ...env.ctx, logger }, 0, '127.0.0.1');
    smtp = createMailTransport({ smtpUrl: `smtp://127.0.0.1:${server.port}`, poolSize: 1, ratePerSecond: 0 });
  });
  afterAll(async () => {
    smtp?.close();
    await server?.close();
    await env?.cleanup();
  });

  const deliver = (to: string, raw: string, from = 'MAILER-DAEMON@mta.example.net') => smtp.sendRaw({ from, to }, raw);
  const statusOf = async (id: number) => (await env.ctx.db.subscriber.findUniqueOrThrow({ where: { id } })).status;
  const eventsOf = (subscriberId: number) =>
    env.ctx.db.mailEvent.findMany({ where: { subscriberId }, orderBy: { id: 'asc' } });
  const suppressed = (email: string) => env.ctx.db.suppression.findFirst({ where: { email, liftedAt: null } });

  it("RFC 3464 9.2 (550 user unknown) to a delivery's VERP address: delivery and subscriber bounced, address suppressed", async () => {
    const { reader, delivery } = await readerWithDelivery(env.ctx.db, 'arathib@vnet.example');
    await deliver(
      verpAddress(env.config, { kind: 'delivery', id: delivery.id }),
      fixtureFor(env.config, 'rfc3464-9.2-user-unknown.eml', delivery, reader.email!),
    );
    expect(await statusOf(reader.id)).toBe('bounced');
    expect((await env.ctx.db.delivery.findUniqueOrThrow({ where: { id: delivery.id } })).bouncedAt).not.toBeNull();
    expect(await eventsOf(reader.id)).toMatchObject([
      { kind: 'hard_bounce', source: 'inbound', deliveryId: delivery.id },
    ]);
    expect((await eventsOf(reader.id))[0]!.detail).toContain('5.0.0');
    expect(await suppressed('arathib@vnet.example')).toMatchObject({ reason: 'hard_bounce', source: 'inbound' });
  });

  it('RFC 3464 9.1 (failed with 4.0.0 after 5 days) counts as soft; the limit of soft bounces bounces the subscriber', async () => {
    const { reader, delivery } = await readerWithDelivery(env.ctx.db, 'louisl@larry.example');
    const verp = verpAddress(env.config, { kind: 'delivery', id: delivery.id });
    await deliver(verp, fixtureFor(env.config, 'rfc3464-9.1-timeout.eml', delivery, reader.email!));
    expect(await statusOf(reader.id)).toBe('active');
    expect(await eventsOf(reader.id)).toMatchObject([
      { kind: 'soft_bounce', detail: expect.stringContaining('4.0.0') },
    ]);
    // SOFT_BOUNCE_LIMIT=2 within the window: the second one bounces the reader, without suppressing the address.
    await deliver(verp, fixtureFor(env.config, 'rfc3464-9.1-timeout.eml', delivery, reader.email!));
    expect(await statusOf(reader.id)).toBe('bounced');
    expect(await suppressed(reader.email!)).toBeNull();
  });

  it("a real-world Postfix DSN for Gmail's 550 5.1.1 is a hard bounce", async () => {
    const { reader, delivery } = await readerWithDelivery(env.ctx.db, 'no.such.user@gmail.example');
    await deliver(
      verpAddress(env.config, { kind: 'delivery', id: delivery.id }),
      fixtureFor(env.config, 'postfix-gmail-550-5.1.1.eml', delivery, reader.email!),
    );
    expect(await statusOf(reader.id)).toBe('bounced');
    expect((await eventsOf(reader.id))[0]).toMatchObject({
      kind: 'hard_bounce',
      detail: expect.stringContaining('5.1.1'),
    });
  });

  it('the RFC 5965 B.1 abuse report to a VERP address: complained, unsubscribed, suppressed, with a consent record', async () => {
    const { reader, delivery } = await readerWithDelivery(env.ctx.db, 'user@example.com');
    await deliver(
      verpAddress(env.config, { kind: 'delivery', id: delivery.id }),
      fixtureFor(env.config, 'rfc5965-b.1-abuse.eml', delivery, reader.email!),
      'abusedesk@example.com',
    );
    const after = await env.ctx.db.subscriber.findUniqueOrThrow({ where: { id: reader.id } });
    expect(after.status).toBe('complained');
    expect(after.unsubscribedAt).not.toBeNull();
    expect(await suppressed('user@example.com')).toMatchObject({ reason: 'complaint' });
    expect(
      await env.ctx.db.consentRecord.findMany({ where: { subscriberId: reader.id, action: 'complaint' } }),
    ).toMatchObject([{ lists: ['trending'], formVersion: 'inbound' }]);
    expect(await eventsOf(reader.id)).toMatchObject([{ kind: 'complaint', detail: 'arf abuse' }]);
  });

  it('a Yahoo feedback-loop report to the plain bounce mailbox finds the reader through the VERP sender inside it', async () => {
    const { reader, delivery } = await readerWithDelivery(env.ctx.db, 'reader@yahoo.example');
    await deliver(
      'bounces@paperboy.test',
      fixtureFor(env.config, 'yahoo-fbl-complaint.eml', delivery, reader.email!),
      'feedback@arf.mail.yahoo.com',
    );
    expect(await statusOf(reader.id)).toBe('complained');
    expect(await eventsOf(reader.id)).toMatchObject([{ kind: 'complaint', deliveryId: delivery.id }]);
  });

  it('mail to the List-Unsubscribe address unsubscribes the reader it comes from (RFC 8058 mailto)', async () => {
    const { reader } = await readerWithDelivery(env.ctx.db, 'leaving@example.org');
    const raw =
      'From: Leaving Reader <Leaving@Example.org>\r\nTo: unsubscribe@paperboy.test\r\nSubject: unsubscribe\r\n\r\nunsubscribe\r\n';
    await deliver('unsubscribe@paperboy.test', raw, 'leaving@example.org');
    expect(await statusOf(reader.id)).toBe('unsubscribed');
    expect(
      await env.ctx.db.consentRecord.findMany({ where: { subscriberId: reader.id, action: 'unsubscribe' } }),
    ).toMatchObject([{ formVersion: 'mailto' }]);
    expect(await eventsOf(reader.id)).toMatchObject([{ kind: 'unsubscribe', source: 'inbound' }]);
  });

  it('is never a relay: any other recipient, a forged VERP token or another domain is refused at RCPT', async () => {
    const { delivery } = await readerWithDelivery(env.ctx.db, 'target@example.org');
    const good = verpAddress(env.config, { kind: 'delivery', id: delivery.id });
    const forged = good.replace(/d([0-9a-z]+)-/, (_, id: string) => `d${(parseInt(id, 36) + 1).toString(36)}-`);
    for (const to of [
      'victim@gmail.com',
      'postmaster@paperboy.test',
      forged,
      good.replace('paperboy.test', 'elsewhere.test'),
    ]) {
      const error = await deliver(to, fixture('rfc3464-9.2-user-unknown.eml', { VERP: to })).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MailSendError);
      expect((error as MailSendError).responseCode).toBe(550);
    }
    expect(await statusOf(delivery.subscriberId!)).toBe('active');
  });

  it('refuses a message over INBOUND_MAX_MESSAGE_BYTES with 552 and a log line', async () => {
    const { delivery } = await readerWithDelivery(env.ctx.db, 'big@example.org');
    const huge = `Subject: big\r\n\r\n${'x'.repeat(76)}\r\n`.repeat(1500);
    const error = await deliver(verpAddress(env.config, { kind: 'delivery', id: delivery.id }), huge).catch(
      (e: unknown) => e,
    );
    expect((error as MailSendError).responseCode).toBe(552);
    expect(logLines.some((l) => l.event === 'inbound_too_large')).toBe(true);
  });

  it('malformed reports and auto-replies are accepted and ignored with a log line; the listener keeps working', async () => {
    const { reader, delivery } = await readerWithDelivery(env.ctx.db, 'steady@example.org');
    const verp = verpAddress(env.config, { kind: 'delivery', id: delivery.id });
    const malformed = [
      'Content-Type: multipart/report; report-type=delivery-status\r\n\r\nno boundary at all\r\n',
      'Content-Type: multipart/report; report-type=delivery-status; boundary="b"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nsorry\r\n--b--\r\n',
      'Content-Type: multipart/report; report-type=feedback-report; boundary="b"\r\n\r\n--b\r\nContent-Type: message/feedback-report\r\n\r\nUser-Agent: x\r\n--b--\r\n',
      'Content-Type: multipart/report; report-type=delivery-status; boundary="b"\r\n\r\n--b\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; x\r\n--b--\r\n',
      'From: Reader <steady@example.org>\r\nSubject: Out of office\r\nAuto-Submitted: auto-replied\r\n\r\nI am away until Monday.\r\n',
    ];
    for (const raw of malformed) await deliver(verp, raw);
    expect(await statusOf(reader.id)).toBe('active');
    const ignored = logLines.filter((l) => l.event === 'inbound_ignored').map((l) => String(l.reason));
    expect(ignored).toEqual(
      expect.arrayContaining([
        expect.stringContaining('malformed report'),
        expect.stringContaining('not a delivery or feedback report'),
      ]),
    );
    expect(ignored.filter((r) => r.startsWith('malformed report'))).toHaveLength(4);
    expect(await env.ctx.db.mailEvent.count({ where: { kind: 'ignored' } })).toBeGreaterThanOrEqual(5);
    // Still serving: a real bounce right after goes through.
    await deliver(verp, fixtureFor(env.config, 'rfc3464-9.2-user-unknown.eml', delivery, reader.email!));
    expect(await statusOf(reader.id)).toBe('bounced');
  });

  it('bounce and complaint rates per day for /api/admin/stats, and the paperboy_complaint_rate gauge', async () => {
    const db = env.ctx.db;
    const sent = await db.delivery.count({ where: { sentAt: { not: null } } });
    const complaints = await db.mailEvent.count({ where: { kind: 'complaint' } });
    const hard = await db.mailEvent.count({ where: { kind: 'hard_bounce' } });
    expect(complaints).toBeGreaterThan(0);
    const stats = await collectFeedbackStats(db, { days: 2 });
    expect(stats.perDay[1]).toMatchObject({ sent, complaints, hardBounces: hard });
    expect(stats.complaintRate).toBeCloseTo(complaints / sent, 5);
    const registry = new Registry();
    registerFeedbackGauges(registry, db);
    const text = await registry.metrics();
    const gauge = Number(/^paperboy_complaint_rate (\S+)$/m.exec(text)?.[1]);
    expect(gauge).toBeCloseTo(complaints / sent, 5);
  });
});
