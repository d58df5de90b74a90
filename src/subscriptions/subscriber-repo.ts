// Prisma calls for subscribers, their subscriptions and consent records.
// Functions take a client so they run inside or outside a transaction.
import type { Db } from '../db.js';
import type { List, Prisma, Subscriber } from '../generated/prisma/client.js';

export type DbClient = Db | Prisma.TransactionClient;

export const MAX_USER_AGENT = 500;

export interface ConsentEvidence {
  /** signup | confirm | import | admin | preferences | unsubscribe */
  action: string;
  ip?: string | null;
  userAgent?: string | null;
  formVersion?: string | null;
}

export async function findListsBySlugs(db: DbClient, slugs: string[]): Promise<List[]> {
  if (!slugs.length) return [];
  return db.list.findMany({ where: { slug: { in: slugs } }, orderBy: { id: 'asc' } });
}

/** The lists a reader may pick on the landing page, Trending first. */
export async function findPublicLists(db: DbClient): Promise<List[]> {
  return db.list.findMany({ where: { public: true }, orderBy: [{ id: 'asc' }] });
}

/**
 * Reads the subscriber and locks its row until the transaction ends, so two
 * sign-ups for one address (or a sign-up racing a confirmation) apply one
 * after the other instead of overwriting each other.
 */
export async function lockSubscriberByEmail(tx: Prisma.TransactionClient, email: string): Promise<Subscriber | null> {
  const rows = await tx.$queryRaw<Array<{ id: number }>>`SELECT id FROM "Subscriber" WHERE email = ${email} FOR UPDATE`;
  const id = rows[0]?.id;
  return id === undefined ? null : tx.subscriber.findUnique({ where: { id } });
}

export async function lockSubscriberById(tx: Prisma.TransactionClient, id: number): Promise<Subscriber | null> {
  const rows = await tx.$queryRaw<Array<{ id: number }>>`SELECT id FROM "Subscriber" WHERE id = ${id} FOR UPDATE`;
  return rows.length ? tx.subscriber.findUnique({ where: { id } }) : null;
}

export async function findSubscriptions(db: DbClient, subscriberId: number) {
  return db.subscription.findMany({
    where: { subscriberId },
    include: { list: true },
    orderBy: { listId: 'asc' },
  });
}

/** Adds subscriptions that do not exist yet; existing ones keep their confirmation. */
export async function addSubscriptions(db: DbClient, subscriberId: number, listIds: number[], confirmedAt: Date | null): Promise<number> {
  if (!listIds.length) return 0;
  const { count } = await db.subscription.createMany({
    data: listIds.map((listId) => ({ subscriberId, listId, confirmedAt })),
    skipDuplicates: true,
  });
  return count;
}

/** Makes the subscriber's lists exactly these, keeping the confirmation of the ones it had. */
export async function replaceSubscriptions(db: DbClient, subscriberId: number, listIds: number[], confirmedAt: Date | null): Promise<void> {
  await db.subscription.deleteMany({ where: { subscriberId, listId: { notIn: listIds } } });
  await addSubscriptions(db, subscriberId, listIds, confirmedAt);
}

export async function confirmSubscriptions(db: DbClient, subscriberId: number, now: Date): Promise<number> {
  const { count } = await db.subscription.updateMany({ where: { subscriberId, confirmedAt: null }, data: { confirmedAt: now } });
  return count;
}

export async function recordConsent(db: DbClient, subscriberId: number, lists: string[], evidence: ConsentEvidence): Promise<void> {
  await db.consentRecord.create({
    data: {
      subscriberId,
      action: evidence.action,
      ip: evidence.ip ?? null,
      userAgent: evidence.userAgent ? evidence.userAgent.slice(0, MAX_USER_AGENT) : null,
      lists,
      formVersion: evidence.formVersion ?? null,
    },
  });
}

/** The subscriber id behind an address or an id typed into a console field, or null. */
export async function findSubscriberIdByKey(db: DbClient, key: string): Promise<number | null> {
  const text = key.trim();
  const row = /^\d{1,10}$/.test(text) && Number(text) <= 2 ** 31 - 1
    ? await db.subscriber.findUnique({ where: { id: Number(text) }, select: { id: true } })
    : await db.subscriber.findUnique({ where: { email: text.toLowerCase() }, select: { id: true } });
  return row?.id ?? null;
}
