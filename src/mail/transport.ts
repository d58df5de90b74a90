// The only file that knows nodemailer. It turns SMTP outcomes into the
// app's own (a MailSendError that says whether retrying can help), signs
// with DKIM, and spreads mail over several relays with failover.
import nodemailer, { type Transporter } from 'nodemailer';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import type SMTPPool from 'nodemailer/lib/smtp-pool/index.js';
import { Readable } from 'node:stream';
import { dkimSign, type DkimOptions } from './dkim.js';
import { maskAddresses } from '../logger.js';

export interface OutgoingMail {
  from: string;
  to: string;
  subject: string;
  html: string;
  text: string;
  /** Without angle brackets' surprises: "<id@host>". Deterministic per delivery. */
  messageId?: string;
  headers?: Record<string, string>;
  /** SMTP MAIL FROM (the VERP bounce address); the From address when absent. */
  envelopeFrom?: string;
}

export interface SendResult {
  messageId: string;
  response: string;
}

export interface MailTransport {
  send(mail: OutgoingMail): Promise<SendResult>;
  /**
   * Hands over a pre-built RFC 5322 message as is (no MIME building). Chunks
   * are joined into one Buffer first: nodemailer passes each chunk through
   * its stream stages and writes it to the socket on its own, and a digest
   * has over a hundred link-sized chunks, so copying its ~50 KB once costs
   * far less CPU. A stream is read once. `messageId`, the message's own
   * Message-ID, is what the result reports; without it nodemailer makes one
   * up (five randomBytes calls per message) that the message does not carry.
   */
  sendRaw(
    envelope: { from: string; to: string },
    raw: Buffer | string | Buffer[] | Readable,
    messageId?: string,
  ): Promise<SendResult>;
  verify(): Promise<void>;
  close(): void;
}

/** A port: waits until the relay may take one more message (src/jobs/relay-rate-limit.ts shares the window through Redis). */
export interface RelayRateLimiter {
  acquire(relay: string): Promise<void>;
}

export interface TransportOptions {
  /** One relay; `smtpUrls` takes several, in order of preference. */
  smtpUrl?: string;
  smtpUrls?: string[];
  poolSize: number;
  /** Messages per second per relay and process; 0 means unlimited. */
  ratePerSecond: number;
  dkim?: DkimOptions;
  /** Consecutive failures (connection or 4xx) after which a relay is set aside, and for how long. */
  failover?: { failures: number; cooldownMs: number };
  rateLimiter?: RelayRateLimiter;
  onRelayEvent?: (event: RelayEvent) => void;
}

export interface RelayEvent {
  event: 'smtp_relay_set_aside' | 'smtp_relay_failover';
  /** host:port, never credentials. */
  relay: string;
  reason: string;
}

/**
 * transient: worth retrying later (4xx, connection trouble).
 * permanent: the server refused this recipient or message for good (5xx).
 */
export class MailSendError extends Error {
  constructor(
    message: string,
    readonly kind: 'transient' | 'permanent',
    readonly responseCode?: number,
    readonly response?: string,
  ) {
    super(message);
    this.name = 'MailSendError';
  }
}

export function classifySmtpError(error: unknown): MailSendError {
  if (error instanceof MailSendError) return error;
  const e = error as { responseCode?: number; response?: string; message?: string; code?: string };
  const code = typeof e.responseCode === 'number' ? e.responseCode : undefined;
  // Relays quote the recipient ("550 5.1.1 <reader@example.org>"): the reply
  // ends up in logs, job failure reasons and Delivery.lastError, so mask it here.
  const response = maskAddresses(
    (e.response ?? e.message ?? 'unknown SMTP error').replace(/[\r\n]+/g, ' ').slice(0, 500),
  );
  if (code !== undefined && code >= 500 && code < 600) return new MailSendError(response, 'permanent', code, response);
  return new MailSendError(response, 'transient', code, response);
}

/** host:port of a relay URL: what logs and rate-limit keys name, never its credentials. */
export function relayLabel(url: string): string {
  const u = new URL(url);
  return `${u.hostname}:${u.port || (u.protocol === 'smtps:' ? '465' : '25')}`;
}

export function createMailTransport(options: TransportOptions): MailTransport {
  const urls = options.smtpUrls?.length ? options.smtpUrls : [options.smtpUrl ?? 'smtp://127.0.0.1:1025'];
  const relays = urls.map((url) => createRelay(url, options));
  const failures = options.failover?.failures ?? 3;
  const cooldownMs = options.failover?.cooldownMs ?? 60_000;

  /** Relays in preference order, those set aside last (soonest back first): a message is never refused only because every relay failed lately. */
  function candidates(now: number): Relay[] {
    const ready = relays.filter((r) => r.asideUntil <= now);
    const aside = relays.filter((r) => r.asideUntil > now).sort((a, b) => a.asideUntil - b.asideUntil);
    return [...ready, ...aside];
  }

  async function deliver(
    message: (relay: Relay) => Parameters<Relay['transporter']['sendMail']>[0],
  ): Promise<SendResult> {
    let last: MailSendError | undefined;
    for (const relay of candidates(Date.now())) {
      if (last)
        options.onRelayEvent?.({
          event: 'smtp_relay_failover',
          relay: relay.label,
          reason: last.message.slice(0, 200),
        });
      try {
        await options.rateLimiter?.acquire(relay.label);
        const info = await relay.transporter.sendMail(message(relay));
        relay.failures = 0;
        return { messageId: info.messageId, response: maskAddresses(String(info.response ?? '')) };
      } catch (error) {
        last = classifySmtpError(error);
        // A 5xx is about this recipient or message: another relay would say the same.
        if (last.kind === 'permanent') throw last;
        relay.failures += 1;
        if (relay.failures >= failures && relay.asideUntil <= Date.now()) {
          relay.asideUntil = Date.now() + cooldownMs;
          options.onRelayEvent?.({
            event: 'smtp_relay_set_aside',
            relay: relay.label,
            reason: last.message.slice(0, 200),
          });
        }
      }
    }
    throw last ?? new MailSendError('no SMTP relay configured', 'transient');
  }

  const sign = (raw: Buffer) => (options.dkim ? dkimSign(raw, options.dkim) : raw);

  return {
    send: async (mail) => {
      const raw = sign(await composeMessage(mail));
      return deliver(() => ({
        envelope: { from: mail.envelopeFrom ?? addressOnly(mail.from), to: mail.to },
        raw,
        messageId: mail.messageId,
      }));
    },
    sendRaw: async (envelope, raw, messageId) => {
      const body =
        raw instanceof Readable ? Buffer.concat(await raw.toArray()) : Array.isArray(raw) ? Buffer.concat(raw) : raw;
      const whole = options.dkim ? sign(typeof body === 'string' ? Buffer.from(body) : body) : body;
      return deliver(() => ({ envelope, raw: whole, messageId }));
    },
    verify: async () => {
      await Promise.any(relays.map((r) => r.transporter.verify()));
    },
    close: () => relays.forEach((r) => r.transporter.close()),
  };
}

interface Relay {
  label: string;
  transporter: Transporter<SMTPPool.SentMessageInfo, SMTPPool.Options>;
  failures: number;
  /** Epoch ms until which the relay is tried only after the others. */
  asideUntil: number;
}

function createRelay(url: string, options: TransportOptions): Relay {
  const poolOptions: SMTPPool.Options = {
    pool: true,
    url,
    maxConnections: options.poolSize,
    // Keep connections open across many messages: reconnecting is the
    // dominant cost of a digest run.
    maxMessages: Infinity,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
    ...(options.ratePerSecond > 0 ? { rateDelta: 1000, rateLimit: options.ratePerSecond } : {}),
  };
  return { label: relayLabel(url), transporter: nodemailer.createTransport(poolOptions), failures: 0, asideUntil: 0 };
}

function addressOnly(value: string): string {
  return (/<([^<>\s]+)>/.exec(value)?.[1] ?? value).trim();
}

/** nodemailer's MIME builder, without sending: the message is then signed here and handed over raw. */
function composeMessage(mail: OutgoingMail): Promise<Buffer> {
  const composer = new MailComposer({
    from: mail.from,
    to: mail.to,
    subject: mail.subject,
    html: mail.html,
    text: mail.text,
    messageId: mail.messageId,
    headers: mail.headers,
    // Builds with no X-Mailer naming the library version.
    xMailer: false,
  });
  return new Promise((resolve, reject) =>
    composer.compile().build((error, message) => (error ? reject(error) : resolve(message))),
  );
}
