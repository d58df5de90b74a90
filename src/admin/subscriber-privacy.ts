// A subscriber's rights: a copy of everything held about them, and erasure.
// Erasure deletes the subscriber row (consent records and subscriptions
// cascade) and keeps their deliveries for the counts, with the subscriber
// link cut (Delivery.subscriberId → NULL) and the address struck from free
// text that could quote it (SMTP responses, errors).
import type { Db } from '../db.js';

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
      // SMTP servers quote the recipient in their replies ("550 <a@b>: no such user");
      // keep the reason, strike the address, in any letter case.
      const pattern = escapeRegExp(found.email);
      anonymised = await tx.$executeRaw`
        UPDATE "Delivery"
           SET "lastError" = regexp_replace("lastError", ${pattern}, '[erased]', 'gi'),
               "smtpResponse" = regexp_replace("smtpResponse", ${pattern}, '[erased]', 'gi')
         WHERE "subscriberId" = ${id}`;
    }
    await tx.subscriber.delete({ where: { id } });
    return { subscriberId: id, deliveriesAnonymised: anonymised };
  });
}
