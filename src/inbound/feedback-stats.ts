// Bounce and complaint rates: what Gmail and Yahoo judge a sender by
// (complaints under 0.3 %, best under 0.1 %). Days are UTC; a rate is
// events of the day over digests sent that day (sentAt), 0 when none.
import { Gauge, type Registry } from 'prom-client';
import type { Db } from '../db.js';
import { countFeedbackPerDay, countLastDay, countSentPerDay } from './feedback-repo.js';

export interface FeedbackDay {
  day: string;
  sent: number;
  hardBounces: number;
  softBounces: number;
  complaints: number;
  unsubscribes: number;
  bounceRate: number;
  complaintRate: number;
}

const rate = (n: number, of: number) => (of ? Math.round((n / of) * 1_000_000) / 1_000_000 : 0);

export async function collectFeedbackStats(db: Db, options: { days: number; now?: Date }) {
  const now = options.now ?? new Date();
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const days = Array.from({ length: options.days }, (_, i) =>
    new Date(today - (options.days - 1 - i) * 86_400_000).toISOString().slice(0, 10),
  );
  const since = new Date(`${days[0]}T00:00:00Z`);
  const [sent, events] = await Promise.all([countSentPerDay(db, since), countFeedbackPerDay(db, since)]);
  const count = (day: string, kind: string) => events.find((e) => e.day === day && e.kind === kind)?.n ?? 0;
  const perDay: FeedbackDay[] = days.map((day) => {
    const s = sent.find((r) => r.day === day)?.n ?? 0;
    const hard = count(day, 'hard_bounce');
    const complaints = count(day, 'complaint');
    return {
      day,
      sent: s,
      hardBounces: hard,
      softBounces: count(day, 'soft_bounce'),
      complaints,
      unsubscribes: count(day, 'unsubscribe'),
      bounceRate: rate(hard, s),
      complaintRate: rate(complaints, s),
    };
  });
  const total = (key: 'sent' | 'hardBounces' | 'complaints') => perDay.reduce((n, d) => n + d[key], 0);
  return {
    perDay,
    bounceRate: rate(total('hardBounces'), total('sent')),
    complaintRate: rate(total('complaints'), total('sent')),
  };
}

/** Complaints (and hard bounces) over digests sent in the last 24 hours, read at scrape time. */
export async function recentRates(db: Db): Promise<{ complaintRate: number; bounceRate: number }> {
  const r = await countLastDay(db);
  return { complaintRate: rate(r.complaints, r.sent), bounceRate: rate(r.bounces, r.sent) };
}

/**
 * paperboy_complaint_rate and paperboy_bounce_rate (last 24 h). Alert at a
 * complaint rate of 0.001 (0.1 %), a third of Gmail's 0.3 % limit; see
 * src/inbound/README.md for the rule.
 */
export function registerFeedbackGauges(registry: Registry, db: Db): void {
  if (registry.getSingleMetric('paperboy_complaint_rate')) return;
  let pending: Promise<{ complaintRate: number; bounceRate: number }> | undefined;
  // Both gauges read one query per scrape.
  const read = () => (pending ??= recentRates(db).finally(() => setTimeout(() => (pending = undefined), 0)));
  new Gauge({
    name: 'paperboy_complaint_rate',
    help: 'Complaints over digests sent in the last 24 hours (alert above 0.001)',
    registers: [registry],
    async collect() {
      this.set((await read()).complaintRate);
    },
  });
  new Gauge({
    name: 'paperboy_bounce_rate',
    help: 'Hard bounces over digests sent in the last 24 hours',
    registers: [registry],
    async collect() {
      this.set((await read()).bounceRate);
    },
  });
}
