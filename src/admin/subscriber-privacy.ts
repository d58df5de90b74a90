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
    subscriptions: subscriptions.map((s) => ({
      list: s.list.slug,
      name: s.list.name,
      createdAt: s.createdAt,
      confirmedAt: s.confirmedAt,
    })),
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

/**
 * What erasure needs from the job queues, declared here by the consumer so
 * this folder never imports bullmq: src/jobs implements it (job-privacy.ts).
 */
export interface QueuePrivacy {
  /** Removes the subscriber's queued and finished jobs, and the queue events that name them; how many jobs went. */
  eraseSubscriberJobs(subscriberId: number): Promise<number>;
}

/**
 * Erasure everywhere: Postgres (the source of truth, all or nothing), then
 * the subscriber's mail jobs in Redis. If Redis is down the erasure still
 * stands; the jobs expire with the queue's retention, and the log says so.
 */
export async function eraseSubscriberEverywhere(
  deps: { db: Db; queuePrivacy: QueuePrivacy; logger: Logger },
  id: number,
): Promise<(ErasureReceipt & { jobsRemoved: number | null }) | null> {
  const receipt = await eraseSubscriber(deps.db, id);
  if (!receipt) return null;
  const jobsRemoved = await deps.queuePrivacy.eraseSubscriberJobs(id).catch((error: unknown) => {
    deps.logger.warn(
      { event: 'erase_jobs_purge_failed', subscriberId: id, err: (error as Error).message },
      'could not purge mail jobs',
    );
    return null;
  });
  deps.logger.info({ event: 'subscriber_erased', subscriberId: id, jobsRemoved }, 'subscriber erased');
  return { ...receipt, jobsRemoved };
}
