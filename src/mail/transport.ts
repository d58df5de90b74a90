// The only file that knows nodemailer. It turns SMTP outcomes into the
// app's own: a MailSendError that says whether retrying can help.
import nodemailer from 'nodemailer';
import type SMTPPool from 'nodemailer/lib/smtp-pool/index.js';
import type { Readable } from 'node:stream';
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
}

export interface SendResult {
  messageId: string;
  response: string;
}

export interface MailTransport {
  send(mail: OutgoingMail): Promise<SendResult>;
  /** Hands over a pre-built RFC 5322 message as is (no MIME building); a stream is read once, not buffered. */
  sendRaw(envelope: { from: string; to: string }, raw: Buffer | string | Readable): Promise<SendResult>;
  verify(): Promise<void>;
  close(): void;
}

export interface TransportOptions {
  smtpUrl: string;
  poolSize: number;
  /** Messages per second; 0 means unlimited. */
  ratePerSecond: number;
  dkim?: { domainName: string; keySelector: string; privateKey: string };
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
  const response = maskAddresses((e.response ?? e.message ?? 'unknown SMTP error').replace(/[\r\n]+/g, ' ').slice(0, 500));
  if (code !== undefined && code >= 500 && code < 600) return new MailSendError(response, 'permanent', code, response);
  return new MailSendError(response, 'transient', code, response);
}

export function createMailTransport(options: TransportOptions): MailTransport {
  const poolOptions: SMTPPool.Options = {
    pool: true,
    url: options.smtpUrl,
    maxConnections: options.poolSize,
    // Keep connections open across many messages: reconnecting is the
    // dominant cost of a digest run.
    maxMessages: Infinity,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
    ...(options.ratePerSecond > 0 ? { rateDelta: 1000, rateLimit: options.ratePerSecond } : {}),
    ...(options.dkim ? { dkim: options.dkim } : {}),
  } as SMTPPool.Options;
  const transporter = nodemailer.createTransport(poolOptions);

  async function deliver(message: Parameters<typeof transporter.sendMail>[0]): Promise<SendResult> {
    try {
      const info = await transporter.sendMail(message);
      return { messageId: info.messageId, response: maskAddresses(String(info.response ?? '')) };
    } catch (error) {
      throw classifySmtpError(error);
    }
  }

  return {
    send: (mail) =>
      deliver({
        from: mail.from,
        to: mail.to,
        subject: mail.subject,
        html: mail.html,
        text: mail.text,
        messageId: mail.messageId,
        headers: mail.headers,
        // Builds with no X-Mailer naming the library version.
        xMailer: false,
      }),
    sendRaw: (envelope, raw) => deliver({ envelope, raw }),
    verify: async () => {
      await transporter.verify();
    },
    close: () => transporter.close(),
  };
}
