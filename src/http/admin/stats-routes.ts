// /api/admin/stats: audience and delivery figures.
import { z } from 'zod';
import { collectStats } from '../../admin/stats.js';
import { collectFeedbackStats } from '../../inbound/feedback-stats.js';
import type { AppDeps } from '../app.js';
import { defineRoute, type AdminRoute } from './route.js';

const DayCount = z.object({ day: z.string(), count: z.number().int() });

const FeedbackSchema = z
  .object({
    perDay: z.array(
      z.object({
        day: z.string(),
        sent: z.number().int(),
        hardBounces: z.number().int(),
        softBounces: z.number().int(),
        complaints: z.number().int(),
        unsubscribes: z.number().int(),
        bounceRate: z.number(),
        complaintRate: z.number(),
      }),
    ),
    bounceRate: z.number().meta({ description: 'hard bounces (DSNs, webhooks) / digests sent, over the window' }),
    complaintRate: z.number().meta({ description: 'complaints / digests sent, over the window; keep under 0.001' }),
  })
  .meta({ id: 'FeedbackStats' });

const StatsSchema = z
  .object({
    days: z.number().int(),
    since: z.iso.datetime(),
    subscribers: z.object({
      byStatus: z.record(z.string(), z.number().int()),
      byList: z.array(
        z.object({
          slug: z.string(),
          name: z.string(),
          total: z.number().int(),
          byStatus: z.record(z.string(), z.number().int()),
        }),
      ),
    }),
    signupsPerDay: z.array(DayCount),
    confirmationsPerDay: z.array(DayCount),
    deliveriesPerDay: z.array(
      z.object({
        day: z.string(),
        pending: z.number().int(),
        sending: z.number().int(),
        sent: z.number().int(),
        skipped: z.number().int(),
        failed: z.number().int(),
      }),
    ),
    bounceRate: z.number().meta({ description: 'failed / (sent + failed) over the window' }),
    deliveries: z.object({ sent: z.number().int(), failed: z.number().int() }),
    ratings: z
      .object({
        up: z.number().int(),
        down: z.number().int(),
        byList: z.array(z.object({ slug: z.string(), name: z.string(), up: z.number().int(), down: z.number().int() })),
      })
      .meta({
        description:
          "Current votes, all time. A vote counts for each of the reader's lists whose rule took the paper when it was cast; the totals count it once",
      }),
    feedback: FeedbackSchema,
  })
  .meta({ id: 'Stats' });

export function statsRoutes(deps: AppDeps): AdminRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/stats',
      tag: 'stats',
      summary:
        'Subscribers by status and list; sign-ups, confirmations and deliveries per UTC day; bounce rate; likes and dislikes per list',
      query: z.object({ days: z.coerce.number().int().min(1).max(366).default(30) }),
      responses: { 200: { description: 'The figures', schema: StatsSchema } },
      handle: async ({ query }) => {
        const [stats, feedback] = await Promise.all([
          collectStats(deps.db, { days: query.days }),
          collectFeedbackStats(deps.db, { days: query.days }),
        ]);
        return { body: { ...stats, feedback } };
      },
    }),
  ];
}
