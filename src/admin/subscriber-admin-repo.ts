// The admin's SQL about subscribers: the search that the detail view and the
// CSV export also read through, and the scrubbing of addresses on erasure.
import type { Db } from '../db.js';
import type { SubscriberStatus } from '../generated/prisma/client.js';
import type { SubscriberSummary } from './subscriber-search.js';

type Sql = Pick<Db, '$queryRawUnsafe' | '$executeRawUnsafe'>;

export const SUBSCRIBER_ADMIN_SQL = {
  // One page of summaries. Each filter is off when its parameter is NULL:
  // $1 id, $2 after this id, $3 status, $4 LIKE pattern for the address,
  // $5 list slug; $6 page size. Prisma plans each call with its values (an
  // unnamed statement), so an unused filter folds away and the page is an
  // index range on id. The page is chosen first, then only its rows are
  // joined to their lists, aggregated here so a 100,000-row export allocates
  // one flat row per subscriber.
  selectSummaries: `
    SELECT p.id, p.email, p.status::text AS status, p.timezone, p."sendHour", p.frequency::text AS frequency, p.weekday,
           p."papersPerEmail",
           json_build_object('include', p."interestInclude", 'exclude', p."interestExclude",
                             'categories', p."interestCategories", 'authors', p."interestAuthors") AS interests,
           coalesce(array_agg(l.slug ORDER BY l.id) FILTER (WHERE l.id IS NOT NULL), '{}') AS lists,
           p."createdAt", p."confirmedAt", p."unsubscribedAt", p."bounceCount"
      FROM (SELECT * FROM "Subscriber" s
             WHERE ($1::int IS NULL OR s.id = $1) AND s.id > $2::int
               AND ($3::"SubscriberStatus" IS NULL OR s.status = $3)
               AND ($4::text IS NULL OR s.email LIKE $4)
               AND ($5::text IS NULL OR EXISTS (SELECT 1 FROM "Subscription" f JOIN "List" fl ON fl.id = f."listId"
                                                 WHERE f."subscriberId" = s.id AND fl.slug = $5))
             ORDER BY s.id LIMIT $6) p
      LEFT JOIN "Subscription" sub ON sub."subscriberId" = p.id
      LEFT JOIN "List" l ON l.id = sub."listId"
     GROUP BY p.id, p.email, p.status, p.timezone, p."sendHour", p.frequency, p.weekday, p."papersPerEmail",
              p."interestInclude", p."interestExclude", p."interestCategories", p."interestAuthors", p."createdAt", p."confirmedAt", p."unsubscribedAt", p."bounceCount"
     ORDER BY p.id`,
  // SMTP servers quote the recipient in their replies ("550 <a@b>: no such
  // user"): keep the reason, strike the address ($1, a regular expression), in any letter case.
  scrubDeliveries: `
    UPDATE "Delivery"
       SET "lastError" = regexp_replace("lastError", $1, '[erased]', 'gi'),
           "smtpResponse" = regexp_replace("smtpResponse", $1, '[erased]', 'gi')
     WHERE "subscriberId" = $2`,
} as const;

export interface SummaryFilter {
  id?: number;
  afterId?: number;
  status?: SubscriberStatus;
  /** A LIKE pattern, already escaped. */
  emailLike?: string;
  list?: string;
}

export function selectSummaries(db: Sql, filter: SummaryFilter, limit: number): Promise<SubscriberSummary[]> {
  return db.$queryRawUnsafe<SubscriberSummary[]>(
    SUBSCRIBER_ADMIN_SQL.selectSummaries,
    filter.id ?? null,
    filter.afterId ?? 0,
    filter.status ?? null,
    filter.emailLike ?? null,
    filter.list ?? null,
    limit,
  );
}

/** Strikes `pattern` from the subscriber's delivery replies; returns the rows touched. */
export function scrubDeliveries(tx: Sql, subscriberId: number, pattern: string): Promise<number> {
  return tx.$executeRawUnsafe(SUBSCRIBER_ADMIN_SQL.scrubDeliveries, pattern, subscriberId);
}
