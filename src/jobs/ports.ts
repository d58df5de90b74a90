// The queue operations the domains declare (subscriptions/deps.ts,
// digest/queue-port.ts, admin/subscriber-privacy.ts), implemented on
// BullMQ. The composition root (src/context.ts) builds them once and hands
// them to the domains; nothing outside src/jobs sees a Queue.
import type { QueuePrivacy } from '../admin/subscriber-privacy.js';
import type { Config } from '../config.js';
import type { DigestQueue } from '../digest/queue-port.js';
import type { Redis } from '../redis.js';
import type { MailJobs } from '../subscriptions/deps.js';
import { createDigestQueue } from './digest-queue.js';
import { createQueuePrivacy } from './job-privacy.js';
import { MAIL_JOBS, type Queues } from './queues.js';

export interface JobPorts {
  mailJobs: MailJobs;
  digestQueue: DigestQueue;
  queuePrivacy: QueuePrivacy;
}

export function createJobPorts(
  queues: Queues,
  redis: Pick<Redis, 'xrange' | 'xdel'>,
  config: Pick<Config, 'digestRetryDelayMs'>,
): JobPorts {
  return {
    mailJobs: {
      async enqueueWelcome(subscriberId, confirmedAt) {
        await queues.mail.add(
          MAIL_JOBS.welcome,
          { subscriberId },
          { jobId: `welcome-${subscriberId}-${confirmedAt.getTime()}` },
        );
      },
    },
    digestQueue: createDigestQueue(queues, config),
    queuePrivacy: createQueuePrivacy(queues, redis),
  };
}
