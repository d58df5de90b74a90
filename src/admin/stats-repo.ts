// The admin figures' SQL (stats.ts, trend-stats.ts). Raw because Prisma's
// groupBy cannot group by a day of a timestamp, nor count with FILTER.
// Days are UTC calendar days: timestamps are stored as UTC wall time, so
// to_char on the column is the UTC day whatever the session's time zone.
import type { Db } from '../db.js';

type Sql = Pick<Db, '$queryRawUnsafe'>;

export const STATS_SQL = {
  countSubscriptionsByListAndStatus: `
    SELECT l.slug, l.name, s.status::text AS status, count(*) AS count
      FROM "Subscription" sub
      JOIN "List" l ON l.id = sub."listId"
      JOIN "Subscriber" s ON s.id = sub."subscriberId"
     GROUP BY l.slug, l.name, s.status
     ORDER BY l.slug`,
  countSignupsPerDay: `
    SELECT to_char("createdAt", 'YYYY-MM-DD') AS day, count(*) AS count
      FROM "Subscriber" WHERE "createdAt" >= $1 GROUP BY 1`,
  countConfirmationsPerDay: `
    SELECT to_char("confirmedAt", 'YYYY-MM-DD') AS day, count(*) AS count
      FROM "Subscriber" WHERE "confirmedAt" >= $1 GROUP BY 1`,
  countDeliveriesPerDay: `
    SELECT to_char("createdAt", 'YYYY-MM-DD') AS day, status::text AS status, count(*) AS count
      FROM "Delivery" WHERE "createdAt" >= $1 GROUP BY 1, 2`,
  // $1 the first day, $2 the last (midnights, UTC). Leaving is dated by
  // unsubscribedAt; a bounced or complained subscriber by lastBounceAt, else
  // by their last change (updatedAt), the closest date the schema keeps.
  countActivePerDay: `
    WITH days AS (SELECT generate_series($1::timestamp, $2::timestamp, interval '1 day') AS day),
         spans AS (
           SELECT "confirmedAt" AS joined,
                  CASE WHEN status IN ('bounced', 'complained') THEN coalesce("lastBounceAt", "updatedAt")
                       WHEN status = 'unsubscribed' THEN coalesce("unsubscribedAt", "updatedAt") END AS left_at
             FROM "Subscriber" WHERE "confirmedAt" IS NOT NULL)
    SELECT to_char(d.day, 'YYYY-MM-DD') AS day,
           (SELECT count(*) FROM spans s
             WHERE s.joined < d.day + interval '1 day' AND (s.left_at IS NULL OR s.left_at >= d.day + interval '1 day')) AS count
      FROM days d ORDER BY d.day`,
  // The latest $1 periods, with a complaint counted against the email that was sent.
  countDeliveriesByPeriod: `
    SELECT g.period,
           count(*) FILTER (WHERE d.status = 'sent') AS sent,
           count(*) FILTER (WHERE d.status = 'failed') AS failed,
           count(*) FILTER (WHERE d.status = 'skipped') AS skipped,
           count(*) FILTER (WHERE d.status = 'sent' AND s.status = 'complained') AS complained
      FROM (SELECT id, period FROM "Digest" ORDER BY period DESC LIMIT $1) g
      LEFT JOIN "Delivery" d ON d."digestId" = g.id
      LEFT JOIN "Subscriber" s ON s.id = d."subscriberId"
     GROUP BY g.period ORDER BY g.period`,
} as const;

export type DayRow = { day: string; count: bigint };

export function countSubscriptionsByListAndStatus(db: Sql) {
  return db.$queryRawUnsafe<Array<{ slug: string; name: string; status: string; count: bigint }>>(
    STATS_SQL.countSubscriptionsByListAndStatus,
  );
}

/** New subscribers per day since `since`; days without any are absent. */
export function countSignupsPerDay(db: Sql, since: Date) {
  return db.$queryRawUnsafe<DayRow[]>(STATS_SQL.countSignupsPerDay, since);
}

/** Confirmations per day since `since`; days without any are absent. */
export function countConfirmationsPerDay(db: Sql, since: Date) {
  return db.$queryRawUnsafe<DayRow[]>(STATS_SQL.countConfirmationsPerDay, since);
}

/** Deliveries planned per day and status since `since`. */
export function countDeliveriesPerDay(db: Sql, since: Date) {
  return db.$queryRawUnsafe<Array<DayRow & { status: string }>>(STATS_SQL.countDeliveriesPerDay, since);
}

/** Subscribers active at the end of each day from `first` to `last`, every day listed. */
export function countActivePerDay(db: Sql, first: Date, last: Date) {
  return db.$queryRawUnsafe<DayRow[]>(STATS_SQL.countActivePerDay, first, last);
}

/** What happened to the emails of each of the latest `limit` periods, oldest first. */
export function countDeliveriesByPeriod(db: Sql, limit: number) {
  return db.$queryRawUnsafe<
    Array<{ period: string; sent: bigint; failed: bigint; skipped: bigint; complained: bigint }>
  >(STATS_SQL.countDeliveriesByPeriod, limit);
}
