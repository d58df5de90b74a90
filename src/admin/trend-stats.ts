// The figures the console draws beyond collectStats (stats.ts): the active
// audience per day, and per digest period what happened to its emails.
import type { Db } from '../db.js';
import { countActivePerDay, countDeliveriesByPeriod } from './stats-repo.js';
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
  const rows = await countActivePerDay(db, first, new Date(today));
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
  const rows = await countDeliveriesByPeriod(db, limit);
  return rows.map((row) => {
    const [sent, failed, skipped, complained] = [row.sent, row.failed, row.skipped, row.complained].map(Number) as [
      number,
      number,
      number,
      number,
    ];
    return {
      period: row.period,
      sent,
      failed,
      skipped,
      bounceRate: rate(failed, sent + failed),
      complaintRate: rate(complained, sent),
    };
  });
}
