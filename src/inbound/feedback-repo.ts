// SQL for mail that came back: who a report is about, the event records and
// the status changes it causes. The suppression list's SQL is with the
// subscriptions (suppression-repo.ts): who may be mailed at all.
import type { Db } from '../db.js';
import type { Prisma } from '../generated/prisma/client.js';

export type DbClient = Db | Prisma.TransactionClient;

export const FEEDBACK_SQL = {
  // $1 now, $2 subscriber id.
  markSubscriberBounced: `
    UPDATE "Subscriber" SET "bounceCount" = "bounceCount" + 1, "lastBounceAt" = $1, "updatedAt" = $1,
      status = CASE WHEN status IN ('active', 'pending') THEN 'bounced'::"SubscriberStatus" ELSE status END
    WHERE id = $2 AND status IN ('active', 'pending')`,
  claimWebhookReceipt: `INSERT INTO "WebhookReceipt" (provider, key) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
  // Days are UTC calendar days: timestamps are stored as UTC wall time.
  countSentPerDay: `
    SELECT to_char("sentAt", 'YYYY-MM-DD') AS day, count(*)::int AS n FROM "Delivery" WHERE "sentAt" >= $1 GROUP BY 1`,
  countFeedbackPerDay: `
    SELECT to_char("createdAt", 'YYYY-MM-DD') AS day, kind, count(*)::int AS n FROM "MailEvent"
    WHERE "createdAt" >= $1 AND kind IN ('hard_bounce', 'soft_bounce', 'complaint', 'unsubscribe') GROUP BY 1, 2`,
  // One round trip for all three counts: the metrics gauges read it at every scrape.
  countLastDay: `
    SELECT (SELECT count(*)::int FROM "Delivery" WHERE "sentAt" >= now() - interval '1 day') AS sent,
           (SELECT count(*)::int FROM "MailEvent" WHERE kind = 'complaint' AND "createdAt" >= now() - interval '1 day') AS complaints,
           (SELECT count(*)::int FROM "MailEvent" WHERE kind = 'hard_bounce' AND "createdAt" >= now() - interval '1 day') AS bounces`,
} as const;

export interface FeedbackRecipient {
  subscriberId: number;
  email: string | null;
  deliveryId: number | null;
}

export async function findRecipientByDelivery(db: DbClient, deliveryId: number): Promise<FeedbackRecipient | null> {
  const row = await db.delivery.findUnique({
    where: { id: deliveryId },
    select: { id: true, subscriber: { select: { id: true, email: true } } },
  });
  return row?.subscriber ? { subscriberId: row.subscriber.id, email: row.subscriber.email, deliveryId: row.id } : null;
}

export async function findRecipientByMessageId(db: DbClient, messageId: string): Promise<FeedbackRecipient | null> {
  const row = await db.delivery.findUnique({ where: { messageId }, select: { id: true } });
  return row ? findRecipientByDelivery(db, row.id) : null;
}

export async function findRecipientBySubscriber(db: DbClient, subscriberId: number): Promise<FeedbackRecipient | null> {
  const row = await db.subscriber.findUnique({ where: { id: subscriberId }, select: { id: true, email: true } });
  return row ? { subscriberId: row.id, email: row.email, deliveryId: null } : null;
}

export async function findRecipientByEmail(db: DbClient, email: string): Promise<FeedbackRecipient | null> {
  const row = await db.subscriber.findUnique({
    where: { email: email.trim().toLowerCase() },
    select: { id: true, email: true },
  });
  return row ? { subscriberId: row.id, email: row.email, deliveryId: null } : null;
}

export interface MailEventInput {
  kind: 'hard_bounce' | 'soft_bounce' | 'delayed' | 'complaint' | 'unsubscribe' | 'suppression_lifted' | 'ignored';
  source: string;
  subscriberId?: number | null;
  deliveryId?: number | null;
  detail?: string | null;
}

export async function recordMailEvent(db: DbClient, event: MailEventInput): Promise<void> {
  await db.mailEvent.create({
    data: {
      kind: event.kind,
      source: event.source,
      subscriberId: event.subscriberId ?? null,
      deliveryId: event.deliveryId ?? null,
      detail: event.detail?.replace(/[\r\n]+/g, ' ').slice(0, 500) ?? null,
    },
  });
}

export async function markDeliveryBounced(db: DbClient, deliveryId: number, now: Date): Promise<void> {
  await db.delivery.updateMany({ where: { id: deliveryId, bouncedAt: null }, data: { bouncedAt: now } });
}

/** Only a reader still receiving mail moves to bounced; complained or unsubscribed stay as they are. */
export async function markSubscriberBounced(db: DbClient, subscriberId: number, now: Date): Promise<boolean> {
  const rows = await db.$executeRawUnsafe(FEEDBACK_SQL.markSubscriberBounced, now, subscriberId);
  return rows > 0;
}

export async function countSoftBounces(db: DbClient, subscriberId: number, since: Date): Promise<number> {
  return db.mailEvent.count({ where: { subscriberId, kind: 'soft_bounce', createdAt: { gte: since } } });
}

/** Complained: no more mail of any kind, and the opt-out is dated like an unsubscribe. */
export async function markSubscriberComplained(db: DbClient, subscriberId: number, now: Date): Promise<boolean> {
  const { count } = await db.subscriber.updateMany({
    where: { id: subscriberId, status: { not: 'complained' } },
    data: { status: 'complained', unsubscribedAt: now },
  });
  return count > 0;
}

export async function listSlugsOf(db: DbClient, subscriberId: number): Promise<string[]> {
  const rows = await db.subscription.findMany({
    where: { subscriberId },
    select: { list: { select: { slug: true } } },
    orderBy: { listId: 'asc' },
  });
  return rows.map((r) => r.list.slug);
}

export async function recordComplaintConsent(
  db: DbClient,
  subscriberId: number,
  lists: string[],
  source: string,
): Promise<void> {
  await db.consentRecord.create({ data: { subscriberId, action: 'complaint', lists, formVersion: source } });
}

/** True the first time a provider's delivery key is seen; false for a replay. */
export async function claimWebhookReceipt(db: DbClient, provider: string, key: string): Promise<boolean> {
  const rows = await db.$executeRawUnsafe(FEEDBACK_SQL.claimWebhookReceipt, provider, key);
  return rows > 0;
}

export async function releaseWebhookReceipt(db: DbClient, provider: string, key: string): Promise<void> {
  await db.webhookReceipt.deleteMany({ where: { provider, key } });
}

/** Digests sent per UTC day since `since`; days without any are absent. */
export function countSentPerDay(db: DbClient, since: Date) {
  return db.$queryRawUnsafe<Array<{ day: string; n: number }>>(FEEDBACK_SQL.countSentPerDay, since);
}

/** Bounces, complaints and unsubscribes per UTC day and kind since `since`. */
export function countFeedbackPerDay(db: DbClient, since: Date) {
  return db.$queryRawUnsafe<Array<{ day: string; kind: string; n: number }>>(FEEDBACK_SQL.countFeedbackPerDay, since);
}

/** Digests sent, complaints and hard bounces of the last 24 hours. */
export async function countLastDay(db: DbClient): Promise<{ sent: number; complaints: number; bounces: number }> {
  const rows = await db.$queryRawUnsafe<Array<{ sent: number; complaints: number; bounces: number }>>(
    FEEDBACK_SQL.countLastDay,
  );
  return rows[0]!;
}
