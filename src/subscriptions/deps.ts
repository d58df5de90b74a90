// What the subscription functions need from the composition root. Declared
// here, by the consumer, so callers can hand in a Context, the HTTP app's
// deps or a test double of the queue without this folder importing bullmq.
import type { Config } from '../config.js';
import type { Db } from '../db.js';
import type { Logger } from '../logger.js';
import type { MailTransport } from '../mail/transport.js';
import type { Metrics } from '../metrics.js';

/** The slice of a BullMQ Queue this folder uses. */
export interface JobQueue {
  add(name: string, data: { subscriberId: number }, opts?: { jobId?: string }): Promise<unknown>;
  /** The sweep starts over a job that ran out of retries: adding its id again would be a no-op. */
  getJob(jobId: string): Promise<{ isFailed(): Promise<boolean>; retry(state?: 'failed', opts?: { resetAttemptsMade?: boolean }): Promise<void> } | undefined>;
}

export interface SubscriptionDeps {
  config: Config;
  db: Db;
  logger: Logger;
  queues: { mail: JobQueue };
  /** The fail-fast command connection; when it is not ready, enqueueing is skipped at once. */
  redis?: { status: string };
}

export interface MailerDeps extends SubscriptionDeps {
  mailer: MailTransport;
  metrics?: Pick<Metrics, 'emails'>;
}
