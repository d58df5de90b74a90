// The queue operations the domains declare (subscriptions/deps.ts,
// digest/queue-port.ts, admin/subscriber-privacy.ts), implemented on
// BullMQ. The composition root (src/context.ts) builds them once and hands
// them to the domains; nothing outside src/jobs sees a Queue.
import type { RequestHandler } from 'express';
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

/**
 * The queue dashboard, loaded on its first request: bull-board is a large
 * import (about half a second) that no command but the server needs, and
 * every command builds a context.
 */
export function lazyQueueBoard(queues: Queues, basePath: string): RequestHandler {
  let board: Promise<RequestHandler> | undefined;
  return (req, res, next) => {
    board ??= import('./queue-board.js').then(
      (m) => m.createQueueBoard(queues, basePath),
      (error: unknown) => {
        board = undefined;
        throw error;
      },
    );
    board.then((handler) => handler(req, res, next), next);
  };
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
