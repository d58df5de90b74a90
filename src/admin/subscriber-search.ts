// Finding subscribers for the admin: by address fragment, status and list,
// keyset-paged on id so pages stay stable while sign-ups keep arriving.
import type { Db } from '../db.js';
import type { Prisma, SubscriberStatus } from '../generated/prisma/client.js';

export interface SubscriberFilter {
  status?: SubscriberStatus;
  /** List slug. */
  list?: string;
  /** Address fragment, case-insensitive. */
  q?: string;
}

export interface SubscriberSummary {
  id: number;
  email: string | null;
  status: SubscriberStatus;
  timezone: string;
  sendHour: number;
  frequency: 'daily' | 'weekly';
  weekday: number;
  lists: string[];
  createdAt: Date;
  confirmedAt: Date | null;
  unsubscribedAt: Date | null;
  bounceCount: number;
}

const SUMMARY_SELECT = {
  id: true,
  email: true,
  status: true,
  timezone: true,
  sendHour: true,
  frequency: true,
  weekday: true,
  createdAt: true,
  confirmedAt: true,
  unsubscribedAt: true,
  bounceCount: true,
  subscriptions: { select: { list: { select: { slug: true } } }, orderBy: { listId: 'asc' } },
} as const satisfies Prisma.SubscriberSelect;

type SummaryRow = Prisma.SubscriberGetPayload<{ select: typeof SUMMARY_SELECT }>;

export function toSummary(row: SummaryRow): SubscriberSummary {
  const { subscriptions, ...rest } = row;
  return { ...rest, lists: subscriptions.map((s) => s.list.slug) };
}

export function subscriberWhere(filter: SubscriberFilter, afterId?: number): Prisma.SubscriberWhereInput {
  const where: Prisma.SubscriberWhereInput = {};
  if (afterId !== undefined) where.id = { gt: afterId };
  if (filter.status) where.status = filter.status;
  if (filter.q) where.email = { contains: filter.q.trim().toLowerCase() };
  if (filter.list) where.subscriptions = { some: { list: { slug: filter.list } } };
  return where;
}

/** One page in id order; asks for one row more than `limit` so the caller knows whether another page exists. */
export async function searchSubscribers(
  db: Db,
  filter: SubscriberFilter,
  page: { afterId?: number; limit: number },
): Promise<SubscriberSummary[]> {
  const rows = await db.subscriber.findMany({
    where: subscriberWhere(filter, page.afterId),
    orderBy: { id: 'asc' },
    take: page.limit + 1,
    select: SUMMARY_SELECT,
  });
  return rows.map(toSummary);
}

export async function findSubscriberSummary(db: Db, id: number): Promise<SubscriberSummary | null> {
  const row = await db.subscriber.findUnique({ where: { id }, select: SUMMARY_SELECT });
  return row ? toSummary(row) : null;
}

/** Pages through every match, `pageSize` rows at a time; memory stays at one page. */
export async function* iterateSubscribers(db: Db, filter: SubscriberFilter, pageSize = 2000): AsyncGenerator<SubscriberSummary> {
  let afterId: number | undefined;
  for (;;) {
    const rows = await db.subscriber.findMany({
      where: subscriberWhere(filter, afterId),
      orderBy: { id: 'asc' },
      take: pageSize,
      select: SUMMARY_SELECT,
    });
    yield* rows.map(toSummary);
    if (rows.length < pageSize) return;
    afterId = rows[rows.length - 1]!.id;
  }
}
