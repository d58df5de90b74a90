// What the subscription functions need from the composition root. Declared
// here, by the consumer, so callers can hand in a Context or the HTTP app's
// deps without this folder importing bullmq or src/jobs.
import type { Config } from '../config.js';
import type { Db } from '../db.js';
import type { Logger } from '../logger.js';
import type { MailTransport } from '../mail/transport.js';
import type { Metrics } from '../metrics.js';

/** The mail jobs this folder starts; src/jobs puts them on its 'mail' queue. */
export interface MailJobs {
  /** The welcome email for a confirmation; the same confirmation asked twice queues one job. */
  enqueueWelcome(subscriberId: number, confirmedAt: Date): Promise<void>;
}

export interface SubscriptionDeps {
  config: Config;
  db: Db;
  logger: Logger;
  mailJobs: MailJobs;
  /** The fail-fast command connection; when it is not ready, enqueueing is skipped at once. */
  redis?: { status: string };
}

export interface MailerDeps extends SubscriptionDeps {
  mailer: MailTransport;
  metrics?: Pick<Metrics, 'emails'>;
}
