// The sink is the SMTP peer every mail test relies on: prove it records,
// parses and refuses as told, through the app's own transport.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMailTransport, MailSendError } from '../../src/mail/transport.js';
import { SmtpSink } from '../helpers/smtp-sink.js';

describe('SMTP sink via the app transport', () => {
  let sink: SmtpSink;
  let transport: ReturnType<typeof createMailTransport>;
  beforeAll(async () => {
    sink = await new SmtpSink().start();
    transport = createMailTransport({ smtpUrl: sink.url, poolSize: 1, ratePerSecond: 0 });
  });
  afterAll(async () => {
    transport.close();
    await sink.stop();
  });

  it('receives and parses a message', async () => {
    sink.refuse(undefined);
    await transport.send({
      from: 'Paperboy <digest@example.org>',
      to: 'reader@example.org',
      subject: 'Hello <b>there</b>',
      html: '<p>Hi</p>',
      text: 'Hi',
      messageId: '<fixed-1@example.org>',
      headers: { 'List-Id': 'Trending <trending.example.org>' },
    });
    const [mail] = await sink.waitFor(1, { filter: (m) => m.parsed.messageId === '<fixed-1@example.org>' });
    expect(mail!.envelope.to).toEqual(['reader@example.org']);
    expect(mail!.parsed.subject).toBe('Hello <b>there</b>');
    expect(mail!.parsed.text?.trim()).toBe('Hi');
    expect(mail!.parsed.html).toContain('<p>Hi</p>');
    expect(mail!.raw).toMatch(/^List-Id: Trending <trending\.example\.org>\r?$/im);
  });

  it('answers 4xx when told: the transport reports a transient failure', async () => {
    sink.refuse({ code: 451, message: 'Try again later' });
    const error = await transport
      .send({ from: 'a@example.org', to: 'b@example.org', subject: 's', html: 'h', text: 't' })
      .catch((e: unknown) => e);
    sink.refuse(undefined);
    expect(error).toBeInstanceOf(MailSendError);
    expect((error as MailSendError).kind).toBe('transient');
    expect((error as MailSendError).responseCode).toBe(451);
  });

  it('answers 5xx for one recipient only: permanent for that one, others delivered', async () => {
    sink.refuse({ code: 550, message: 'No such user', recipients: ['gone@example.org'] });
    const refused = await transport
      .send({ from: 'a@example.org', to: 'gone@example.org', subject: 's', html: 'h', text: 't' })
      .catch((e: unknown) => e);
    await transport.send({ from: 'a@example.org', to: 'here@example.org', subject: 'ok', html: 'h', text: 't' });
    sink.refuse(undefined);
    expect((refused as MailSendError).kind).toBe('permanent');
    expect((refused as MailSendError).response).toContain('No such user');
    expect(sink.to('here@example.org')).toHaveLength(1);
    expect(sink.to('gone@example.org')).toHaveLength(0);
  });
});
