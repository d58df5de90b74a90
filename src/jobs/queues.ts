// The queue registry: every BullMQ queue the app uses, named once.
import { Queue, type ConnectionOptions, type DefaultJobOptions } from 'bullmq';
import type { Redis } from '../redis.js';

export const QUEUE_NAMES = {
  /** Fetch papers from a source and upsert them. */
  ingest: 'ingest',
  /** Fill in arXiv categories and author names of papers that lack them. */
  enrich: 'enrich',
  /** Plan one period's deliveries (hourly tick or a manual trigger). */
  digestPlan: 'digest-plan',
  /** Send one batch of deliveries of one digest. */
  digestSend: 'digest-send',
  /** Transactional mail: confirmations and the like. */
  mail: 'mail',
  /** Housekeeping: sweeps that repair what an outage left undone. */
  maintenance: 'maintenance',
} as const;

export type QueueKey = keyof typeof QUEUE_NAMES;

/** Job names on the 'mail' queue: best-effort transactional emails and test sends. */
export const MAIL_JOBS = { welcome: 'welcome', testSend: 'digest-test' } as const;
export type Queues = Record<QueueKey, Queue>;

/** Retries with exponential backoff; bounded history so Redis stays small. */
export const DEFAULT_JOB_OPTIONS: DefaultJobOptions = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: { count: 1000, age: 24 * 3600 },
  removeOnFail: { count: 5000, age: 7 * 24 * 3600 },
};

export function createQueues(
  connection: ConnectionOptions,
  prefix: string,
  onError: (error: Error) => void = () => undefined,
): Queues {
  const entries = (Object.keys(QUEUE_NAMES) as QueueKey[]).map((key) => {
    const queue = new Queue(QUEUE_NAMES[key], { connection, prefix, defaultJobOptions: DEFAULT_JOB_OPTIONS });
    // Outages surface as failing add() calls and /readyz too; the app's
    // context logs them, rate-limited (logErrorsEvery), so a retry loop
    // cannot flood the log.
    queue.on('error', onError);
    return [key, queue] as const;
  });
  return Object.fromEntries(entries) as Queues;
}

export async function closeQueues(queues: Queues): Promise<void> {
  await Promise.all(Object.values(queues).map((queue) => queue.close()));
}

/**
 * Deletes every key under a QUEUE_PREFIX: what removing a tenant, or
 * cleaning up after a test or benchmark run, needs.
 */
export async function deleteQueueKeys(redis: Redis, prefix: string): Promise<number> {
  let deleted = 0;
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length) deleted += await redis.del(...keys);
  } while (cursor !== '0');
  return deleted;
}
