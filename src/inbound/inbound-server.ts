// `paperboy inbound`: an SMTP listener (smtp-server) for mail coming back.
// It accepts only our own addresses at RCPT (a VERP bounce address with a
// valid signature, the plain bounce mailbox, the unsubscribe address), so it
// is never a relay; it limits message size, connections and messages per
// client IP per minute (Redis-backed, shared by every listener).
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerSession } from 'smtp-server';
import type { Redis } from '../redis.js';
import { hitRateLimit } from '../subscriptions/rate-limit.js';
import { acceptRecipient, handleInboundMessage, type InboundDeps, type InboundRecipient } from './inbound-mail.js';

export interface InboundServerDeps extends InboundDeps {
  redis: Pick<Redis, 'evalsha' | 'eval'>;
  config: InboundDeps['config'] & { queuePrefix: string };
}

export interface InboundServer {
  port: number;
  close(): Promise<void>;
}

const MAX_RECIPIENTS = 10;

const smtpError = (code: number, message: string) => Object.assign(new Error(message), { responseCode: code });

export async function startInboundServer(
  deps: InboundServerDeps,
  port = deps.config.deliverability.inbound.port,
  host = '0.0.0.0',
): Promise<InboundServer> {
  const log = deps.logger.child({ module: 'inbound' });
  const limits = deps.config.deliverability.inbound;
  const recipients = new WeakMap<SMTPServerSession, InboundRecipient[]>();

  const server = new SMTPServer({
    banner: 'Paperboy inbound: bounces, complaints and unsubscribes only',
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    size: limits.maxMessageBytes,
    maxClients: limits.maxConnections,
    socketTimeout: 60_000,
    closeTimeout: 5_000,
    logger: false,
    onMailFrom(_address, session, callback) {
      const rateDeps = { redis: deps.redis, logger: deps.logger, keyPrefix: deps.config.queuePrefix };
      hitRateLimit(rateDeps, 'inbound-ip', session.remoteAddress, limits.messagesPerMinute, 60).then(
        (result) => {
          if (result.allowed) return callback();
          log.warn({ event: 'inbound_rate_limited' }, 'inbound client over its rate');
          callback(smtpError(450, '4.7.1 Too many messages, slow down'));
        },
        () => callback(),
      );
    },
    onRcptTo(address, session, callback) {
      const accepted = acceptRecipient(deps.config, address.address);
      const list = recipients.get(session) ?? [];
      if (!accepted) {
        log.info({ event: 'inbound_rcpt_refused' }, 'refused a recipient that is not ours');
        return callback(smtpError(550, '5.7.1 Relaying denied: no such recipient here'));
      }
      if (list.length >= MAX_RECIPIENTS) return callback(smtpError(452, '4.5.3 Too many recipients'));
      recipients.set(session, [...list, accepted]);
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => {
        // smtp-server keeps reading past the limit (and sets sizeExceeded); do not keep it.
        if (!stream.sizeExceeded) chunks.push(chunk);
      });
      stream.on('end', () => {
        const wanted = recipients.get(session) ?? [];
        recipients.delete(session);
        if (stream.sizeExceeded) {
          log.warn(
            { event: 'inbound_too_large', limit: limits.maxMessageBytes },
            'inbound message over the size limit refused',
          );
          return callback(smtpError(552, `5.3.4 Message too big (limit ${limits.maxMessageBytes} bytes)`));
        }
        const raw = Buffer.concat(chunks).toString('latin1');
        Promise.all(wanted.map((recipient) => handleInboundMessage(deps, recipient, raw))).then(
          () => callback(),
          (error: unknown) => {
            // Our own trouble (Postgres down): the sender keeps it and tries again.
            log.error(
              { event: 'inbound_failed', err: (error as Error).message },
              'inbound message could not be processed',
            );
            callback(smtpError(451, '4.3.0 Temporary failure, try again later'));
          },
        );
      });
    },
  });
  server.on('error', (error) =>
    log.warn({ event: 'inbound_connection_error', err: error.message }, 'inbound connection error'),
  );
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const bound = (server.server.address() as AddressInfo).port;
  log.info({ event: 'inbound_listening', port: bound }, 'inbound SMTP listening');
  return { port: bound, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
