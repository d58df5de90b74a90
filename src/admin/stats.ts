// Delivery and audience figures for the admin. Days are UTC calendar days
// (timestamps are stored as UTC wall time, so to_char on the column is the
// UTC day whatever the session's time zone);
// every series covers the last `days` days, oldest first, with zero days
// filled in so scripts and charts need no gap handling.
import type { Db } from '../db.js';
import { countRatingsByList } from '../digest/rating-repo.js';
import {
  countConfirmationsPerDay,
  countDeliveriesPerDay,
  countSignupsPerDay,
  countSubscriptionsByListAndStatus,
} from './stats-repo.js';

export interface DayCount {
  day: string;
  count: number;
}

const dayKey = (date: Date) => date.toISOString().slice(0, 10);

function daysBack(days: number, now: Date): string[] {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return Array.from({ length: days }, (_, i) => dayKey(new Date(today - (days - 1 - i) * 86_400_000)));
}

function series(days: string[], rows: Array<{ day: string; count: bigint | number }>): DayCount[] {
  const byDay = new Map(rows.map((r) => [r.day, Number(r.count)]));
  return days.map((day) => ({ day, count: byDay.get(day) ?? 0 }));
}

export async function collectStats(db: Db, options: { days: number; now?: Date }) {
  const days = daysBack(options.days, options.now ?? new Date());
  const since = new Date(`${days[0]}T00:00:00Z`);
  const [byStatus, byList, signups, confirmations, deliveries, ratingsByList] = await Promise.all([
    db.subscriber.groupBy({ by: ['status'], _count: { _all: true } }),
    countSubscriptionsByListAndStatus(db),
    countSignupsPerDay(db, since),
    countConfirmationsPerDay(db, since),
    countDeliveriesPerDay(db, since),
    countRatingsByList(db),
  ]);

  const lists = new Map<string, { slug: string; name: string; total: number; byStatus: Record<string, number> }>();
  for (const row of byList) {
    const entry = lists.get(row.slug) ?? { slug: row.slug, name: row.name, total: 0, byStatus: {} };
    entry.byStatus[row.status] = Number(row.count);
    entry.total += Number(row.count);
    lists.set(row.slug, entry);
  }
  const deliveryStatuses = ['pending', 'sending', 'sent', 'skipped', 'failed'] as const;
  const deliveriesPerDay = days.map((day) => {
    const counts = Object.fromEntries(deliveryStatuses.map((s) => [s, 0])) as Record<
      (typeof deliveryStatuses)[number],
      number
    >;
    for (const row of deliveries) if (row.day === day) counts[row.status as keyof typeof counts] = Number(row.count);
    return { day, ...counts };
  });
  const sent = deliveriesPerDay.reduce((n, d) => n + d.sent, 0);
  const failed = deliveriesPerDay.reduce((n, d) => n + d.failed, 0);

  return {
    days: options.days,
    since,
    subscribers: {
      byStatus: Object.fromEntries(
        ['pending', 'active', 'unsubscribed', 'bounced', 'complained'].map((status) => [
          status,
          byStatus.find((row) => row.status === status)?._count._all ?? 0,
        ]),
      ),
      byList: [...lists.values()],
    },
    signupsPerDay: series(days, signups),
    confirmationsPerDay: series(days, confirmations),
    deliveriesPerDay,
    // Failed deliveries are permanent refusals or retries given up; of all
    // deliveries that reached an outcome at the relay in the window.
    bounceRate: sent + failed ? Math.round((failed / (sent + failed)) * 10_000) / 10_000 : 0,
    deliveries: { sent, failed },
    // Current votes (the latest per reader and paper), all time; see countRatingsByList.
    ratings: ratingsByList,
  };
}
