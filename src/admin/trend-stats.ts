// The figures the console draws beyond collectStats (stats.ts): the active
// audience per day, and per digest period what happened to its emails.
import type { Db } from '../db.js';
import type { DayCount } from './stats.js';

/**
 * Subscribers active at the end of each UTC day: confirmed by then and not
 * yet gone. Leaving is dated by unsubscribedAt; a bounced or complained
 * subscriber by lastBounceAt, else by their last change (updatedAt), the
 * closest date the schema keeps.
 */
export async function activeSubscribersPerDay(db: Db, options: { days: number; now?: Date }): Promise<DayCount[]> {
  const now = options.now ?? new Date();
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const first = new Date(today - (options.days - 1) * 86_400_000);
  const rows = await db.$queryRaw<Array<{ day: string; count: bigint }>>`
    WITH days AS (SELECT generate_series(${first}::timestamp, ${new Date(today)}::timestamp, interval '1 day') AS day),
         spans AS (
           SELECT "confirmedAt" AS joined,
                  CASE WHEN status IN ('bounced', 'complained') THEN coalesce("lastBounceAt", "updatedAt")
                       WHEN status = 'unsubscribed' THEN coalesce("unsubscribedAt", "updatedAt") END AS left_at
             FROM "Subscriber" WHERE "confirmedAt" IS NOT NULL)
    SELECT to_char(d.day, 'YYYY-MM-DD') AS day,
           (SELECT count(*) FROM spans s
             WHERE s.joined < d.day + interval '1 day' AND (s.left_at IS NULL OR s.left_at >= d.day + interval '1 day')) AS count
      FROM days d ORDER BY d.day`;
  return rows.map((row) => ({ day: row.day, count: Number(row.count) }));
}

export interface PeriodFigures {
  period: string;
  sent: number;
  failed: number;
  skipped: number;
  /** Refused by SMTP (failed) among those that reached an outcome at the relay. */
  bounceRate: number;
  /** Of the sent emails, those whose reader has since complained (ARF report or webhook). */
  complaintRate: number;
}

const rate = (part: number, whole: number) => (whole ? Math.round((part / whole) * 10_000) / 10_000 : 0);

/** The latest `limit` periods, oldest first (for a chart). */
export async function deliveryFiguresByPeriod(db: Db, limit: number): Promise<PeriodFigures[]> {
  const rows = await db.$queryRaw<Array<{ period: string; sent: bigint; failed: bigint; skipped: bigint; complained: bigint }>>`
    SELECT g.period,
           count(*) FILTER (WHERE d.status = 'sent') AS sent,
           count(*) FILTER (WHERE d.status = 'failed') AS failed,
           count(*) FILTER (WHERE d.status = 'skipped') AS skipped,
           count(*) FILTER (WHERE d.status = 'sent' AND s.status = 'complained') AS complained
      FROM (SELECT id, period FROM "Digest" ORDER BY period DESC LIMIT ${limit}) g
      LEFT JOIN "Delivery" d ON d."digestId" = g.id
      LEFT JOIN "Subscriber" s ON s.id = d."subscriberId"
     GROUP BY g.period ORDER BY g.period`;
  return rows.map((row) => {
    const [sent, failed, skipped, complained] = [row.sent, row.failed, row.skipped, row.complained].map(Number) as [number, number, number, number];
    return { period: row.period, sent, failed, skipped, bounceRate: rate(failed, sent + failed), complaintRate: rate(complained, sent) };
  });
}
