// A subscriber's rights: a copy of everything held about them, and erasure.
// Erasure deletes the subscriber row (consent records, subscriptions and
// ratings cascade) and keeps their deliveries for the counts, with the subscriber
// link cut (Delivery.subscriberId → NULL) and the address struck from free
// text that could quote it (SMTP responses, errors).
import type { Db } from '../db.js';
import { findRatingsForExport } from '../digest/rating-repo.js';
import type { Logger } from '../logger.js';
import { scrubDeliveries } from './subscriber-admin-repo.js';

export async function exportSubscriberData(db: Db, id: number) {
  const subscriber = await db.subscriber.findUnique({
    where: { id },
    include: {
      subscriptions: { include: { list: { select: { slug: true, name: true } } }, orderBy: { listId: 'asc' } },
      consents: { orderBy: { id: 'asc' } },
      deliveries: { include: { digest: { select: { period: true } } }, orderBy: { id: 'asc' } },
    },
  });
  if (!subscriber) return null;
  const { subscriptions, consents, deliveries, ...profile } = subscriber;
  const paperIds = [...new Set(deliveries.flatMap((d) => d.paperIds))];
  const papers = paperIds.length
    ? await db.paper.findMany({ where: { id: { in: paperIds } }, select: { id: true, arxivId: true, title: true } })
    : [];
  const paperById = new Map(papers.map((p) => [p.id, p]));
  const ratings = await findRatingsForExport(db, id);
  return {
    exportedAt: new Date(),
    subscriber: profile,
    subscriptions: subscriptions.map((s) => ({ list: s.list.slug, name: s.list.name, createdAt: s.createdAt, confirmedAt: s.confirmedAt })),
    consents: consents.map(({ subscriberId: _omit, ...c }) => c),
    deliveries: deliveries.map((d) => ({
      id: d.id,
      period: d.digest.period,
      status: d.status,
      createdAt: d.createdAt,
      sentAt: d.sentAt,
      papers: d.paperIds.map((pid) => paperById.get(pid) ?? { id: pid, arxivId: null, title: null }),
    })),
    ratings,
  };
}

export interface ErasureReceipt {
  subscriberId: number;
  deliveriesAnonymised: number;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Returns null when there is no such subscriber. */
export function eraseSubscriber(db: Db, id: number): Promise<ErasureReceipt | null> {
  return db.$transaction(async (tx) => {
    const found = await tx.subscriber.findUnique({ where: { id }, select: { email: true } });
    if (!found) return null;
    let anonymised = 0;
    if (found.email) {
      const pattern = escapeRegExp(found.email);
      anonymised = await scrubDeliveries(tx, id, pattern);
    }
    await tx.subscriber.delete({ where: { id } });
    return { subscriberId: id, deliveriesAnonymised: anonymised };
  });
}

/** The slice of a BullMQ queue that erasure uses; declared here so this folder does not import bullmq. */
export interface SubscriberJobs {
  /** The queue's Redis keys; `events` names its event stream. */
  keys: Record<string, string>;
  getJobs(types: Array<'completed' | 'failed' | 'waiting' | 'delayed' | 'prioritized'>, start?: number, end?: number): Promise<
    Array<{ id?: string; data: unknown; remove(): Promise<unknown> } | undefined>
  >;
}

/** The Redis stream commands erasure uses (an ioredis client has them). */
export interface StreamClient {
  xrange(key: string, start: string, end: string): Promise<Array<[string, string[]]>>;
  xdel(key: string, ...ids: string[]): Promise<number>;
}

/**
 * Removes a subscriber's jobs from a queue (the 'mail' queue), and their
 * entries in the queue's event stream: a failed job keeps the SMTP reply,
 * which can quote the address, for days, and its "failed" event repeats it.
 * Jobs that are running are left alone; they find no subscriber and do
 * nothing. Retention keeps these sets to a few thousand jobs and the stream
 * to ~10,000 events, so one read of each is enough for a rare action.
 */
export async function purgeSubscriberJobs(queue: SubscriberJobs, redis: StreamClient, subscriberId: number): Promise<number> {
  const jobs = await queue.getJobs(['completed', 'failed', 'waiting', 'delayed', 'prioritized'], 0, -1);
  const removed = new Set<string>();
  for (const job of jobs) {
    if ((job?.data as { subscriberId?: unknown } | undefined)?.subscriberId !== subscriberId) continue;
    await job!.remove();
    if (job!.id) removed.add(job!.id);
  }
  const stream = queue.keys.events;
  if (removed.size && stream) {
    const events = await redis.xrange(stream, '-', '+');
    const mentioning = events.filter(([, fields]) => fields.some((value, i) => i % 2 === 1 && fields[i - 1] === 'jobId' && removed.has(value)));
    if (mentioning.length) await redis.xdel(stream, ...mentioning.map(([id]) => id));
  }
  return removed.size;
}

/**
 * Erasure everywhere: Postgres (the source of truth, all or nothing), then
 * the subscriber's mail jobs in Redis. If Redis is down the erasure still
 * stands; the jobs expire with the queue's retention, and the log says so.
 */
export async function eraseSubscriberEverywhere(
  deps: { db: Db; queues: { mail: SubscriberJobs }; redis: StreamClient; logger: Logger },
  id: number,
): Promise<(ErasureReceipt & { jobsRemoved: number | null }) | null> {
  const receipt = await eraseSubscriber(deps.db, id);
  if (!receipt) return null;
  const jobsRemoved = await purgeSubscriberJobs(deps.queues.mail, deps.redis, id).catch((error: unknown) => {
    deps.logger.warn({ event: 'erase_jobs_purge_failed', subscriberId: id, err: (error as Error).message }, 'could not purge mail jobs');
    return null;
  });
  deps.logger.info({ event: 'subscriber_erased', subscriberId: id, jobsRemoved }, 'subscriber erased');
  return { ...receipt, jobsRemoved };
}
