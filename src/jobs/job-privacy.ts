// Erasure in Redis: a subscriber's mail jobs and the queue events that name
// them. A failed job keeps the SMTP reply, which can quote the address, for
// days, and its "failed" event repeats it. This is BullMQ's storage layout
// (the job sets and the `events` stream), so it lives here; the admin
// folder asks through its QueuePrivacy port.
import type { Queue } from 'bullmq';
import type { QueuePrivacy } from '../admin/subscriber-privacy.js';
import type { Redis } from '../redis.js';
import type { Queues } from './queues.js';

/**
 * Removes a subscriber's jobs from a queue and their entries in the queue's
 * event stream. Jobs that are running are left alone; they find no
 * subscriber and do nothing. Retention keeps the job sets to a few thousand
 * and the stream to ~10,000 events, so one read of each is enough for a
 * rare action.
 */
export async function purgeSubscriberJobs(
  queue: Queue,
  redis: Pick<Redis, 'xrange' | 'xdel'>,
  subscriberId: number,
): Promise<number> {
  const jobs = await queue.getJobs(['completed', 'failed', 'waiting', 'delayed', 'prioritized'], 0, -1);
  const removed = new Set<string>();
  for (const job of jobs) {
    if ((job.data as { subscriberId?: unknown } | undefined)?.subscriberId !== subscriberId) continue;
    await job.remove();
    if (job.id) removed.add(job.id);
  }
  const stream = queue.keys.events;
  if (removed.size && stream) {
    const events = await redis.xrange(stream, '-', '+');
    const mentioning = events.filter(([, fields]) =>
      fields.some((value, i) => i % 2 === 1 && fields[i - 1] === 'jobId' && removed.has(value)),
    );
    if (mentioning.length) await redis.xdel(stream, ...mentioning.map(([id]) => id));
  }
  return removed.size;
}

/** The admin folder's QueuePrivacy port: subscribers' jobs live on the 'mail' queue only. */
export function createQueuePrivacy(queues: Pick<Queues, 'mail'>, redis: Pick<Redis, 'xrange' | 'xdel'>): QueuePrivacy {
  return { eraseSubscriberJobs: (subscriberId) => purgeSubscriberJobs(queues.mail, redis, subscriberId) };
}
