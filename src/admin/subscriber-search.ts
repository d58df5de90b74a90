// Finding subscribers for the admin: by address fragment, status and list,
// keyset-paged on id so pages stay stable while sign-ups keep arriving.
// One SQL statement per page, lists aggregated in Postgres: the search, the
// detail view and the CSV export all read through it, so they filter alike,
// and a 100,000-row export allocates one flat row per subscriber instead of
// Prisma's nested relation objects.
import { Prisma, type Db } from '../db.js';
import type { Interests } from '../subscriptions/interests.js';
import type { Frequency, SubscriberStatus } from '../generated/prisma/client.js';

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
  frequency: Frequency;
  weekday: number;
  papersPerEmail: number;
  interests: Interests;
  /** List slugs, in list order. */
  lists: string[];
  createdAt: Date;
  confirmedAt: Date | null;
  unsubscribedAt: Date | null;
  bounceCount: number;
}

/** LIKE treats % and _ as wildcards; an address fragment means them literally. */
const likeEscape = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

function whereSql(filter: SubscriberFilter & { id?: number }, afterId?: number): Prisma.Sql {
  const conditions: Prisma.Sql[] = [];
  if (filter.id !== undefined) conditions.push(Prisma.sql`s.id = ${filter.id}`);
  if (afterId !== undefined) conditions.push(Prisma.sql`s.id > ${afterId}`);
  if (filter.status) conditions.push(Prisma.sql`s.status = ${filter.status}::"SubscriberStatus"`);
  // Addresses are stored lower-cased, so lower-casing the fragment is enough.
  if (filter.q) conditions.push(Prisma.sql`s.email LIKE ${`%${likeEscape(filter.q.trim().toLowerCase())}%`}`);
  if (filter.list) {
    conditions.push(Prisma.sql`EXISTS (SELECT 1 FROM "Subscription" f JOIN "List" fl ON fl.id = f."listId"
                                        WHERE f."subscriberId" = s.id AND fl.slug = ${filter.list})`);
  }
  return conditions.length ? Prisma.sql`WHERE ${Prisma.join(conditions, ' AND ')}` : Prisma.empty;
}

async function selectSummaries(db: Db, where: Prisma.Sql, limit: number): Promise<SubscriberSummary[]> {
  // The page of subscribers is chosen first (index range on id), then only
  // those rows are joined to their lists.
  return db.$queryRaw<SubscriberSummary[]>`
    SELECT p.id, p.email, p.status::text AS status, p.timezone, p."sendHour", p.frequency::text AS frequency, p.weekday,
           p."papersPerEmail",
           json_build_object('include', p."interestInclude", 'exclude', p."interestExclude",
                             'categories', p."interestCategories", 'authors', p."interestAuthors") AS interests,
           coalesce(array_agg(l.slug ORDER BY l.id) FILTER (WHERE l.id IS NOT NULL), '{}') AS lists,
           p."createdAt", p."confirmedAt", p."unsubscribedAt", p."bounceCount"
      FROM (SELECT * FROM "Subscriber" s ${where} ORDER BY s.id LIMIT ${limit}) p
      LEFT JOIN "Subscription" sub ON sub."subscriberId" = p.id
      LEFT JOIN "List" l ON l.id = sub."listId"
     GROUP BY p.id, p.email, p.status, p.timezone, p."sendHour", p.frequency, p.weekday, p."papersPerEmail",
              p."interestInclude", p."interestExclude", p."interestCategories", p."interestAuthors", p."createdAt", p."confirmedAt", p."unsubscribedAt", p."bounceCount"
     ORDER BY p.id`;
}

/** One page in id order; asks for one row more than `limit` so the caller knows whether another page exists. */
export function searchSubscribers(db: Db, filter: SubscriberFilter, page: { afterId?: number; limit: number }): Promise<SubscriberSummary[]> {
  return selectSummaries(db, whereSql(filter, page.afterId), page.limit + 1);
}

export async function findSubscriberSummary(db: Db, id: number): Promise<SubscriberSummary | null> {
  return (await selectSummaries(db, whereSql({ id }), 1))[0] ?? null;
}

/** Pages through every match, `pageSize` rows at a time; memory stays at one page. */
export async function* iterateSubscribers(db: Db, filter: SubscriberFilter, pageSize = 2000): AsyncGenerator<SubscriberSummary> {
  let afterId: number | undefined;
  for (;;) {
    const rows = await selectSummaries(db, whereSql(filter, afterId), pageSize);
    yield* rows;
    if (rows.length < pageSize) return;
    afterId = rows[rows.length - 1]!.id;
  }
}
