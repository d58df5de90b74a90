import { pino, type Logger } from 'pino';

export type { Logger };

// Addresses and tokens never reach a log line: these paths are redacted
// wherever they appear in a logged object.
const REDACT = [
  'email',
  '*.email',
  'token',
  '*.token',
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
];

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino({ level, redact: { paths: REDACT, censor: '[redacted]' }, base: undefined }, destination);
}

/**
 * An 'error' event listener for connections that reconnect by themselves
 * (pg pool, ioredis, BullMQ queues), or a catch for background work that
 * retries on a timer: an outage is logged once, then at most once per
 * interval with how many errors were not logged, instead of a line per
 * retry or, worse, nothing.
 */
export function logErrorsEvery(
  logger: Logger,
  event: string,
  intervalMs = 60_000,
  clock: () => number = Date.now,
): (error: unknown) => void {
  let lastLogged = -Infinity;
  let suppressed = 0;
  return (error) => {
    const now = clock();
    if (now - lastLogged < intervalMs) {
      suppressed += 1;
      return;
    }
    logger.warn({ event, err: error instanceof Error ? error.message : String(error), suppressed }, 'connection error');
    lastLogged = now;
    suppressed = 0;
  };
}

/** Logs an address at info level without giving it away: "j***@example.org". */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at < 1) return '***';
  return `${email[0]}***${email.slice(at)}`;
}

// Bounded pieces, so a long reply cannot make the scan quadratic.
const ADDRESS_IN_TEXT = /[^\s<>()[\]{}"',;:@]{1,64}@[A-Za-z0-9.-]{1,255}/g;

/** Masks every address inside free text (an SMTP reply, an error message) the way maskEmail does. */
export function maskAddresses(text: string): string {
  return text.replace(ADDRESS_IN_TEXT, (address) => maskEmail(address));
}
