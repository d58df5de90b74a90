// Reading and changing one subscriber on an admin's behalf. Sign-up itself
// (validation, confirmation mail, consent) belongs to src/subscriptions.
import type { Db } from '../db.js';
import { countRatings } from '../digest/rating-repo.js';
import type { Frequency, SubscriberStatus } from '../generated/prisma/client.js';
import { interestColumns, type Interests } from '../subscriptions/interests.js';
import { resolveLists } from '../subscriptions/save-subscriber.js';
import { confirmSubscriptions, recordConsent, replaceSubscriptions } from '../subscriptions/subscriber-repo.js';
import { findSubscriberSummary, type SubscriberSummary } from './subscriber-search.js';

export { UnknownListsError } from '../subscriptions/save-subscriber.js';

export const RECENT_DELIVERIES = 20;

export interface SubscriberPatch {
  status?: SubscriberStatus;
  /** Replaces the subscriber's lists. */
  lists?: string[];
  timezone?: string;
  sendHour?: number;
  frequency?: Frequency;
  weekday?: number;
  papersPerEmail?: number;
  /** Replaces all four parts; one left out of the object becomes empty. */
  interests?: Interests;
}

/** Who made an admin change, kept in the consent record. */
export interface AdminActor {
  ip?: string | null;
  userAgent?: string | null;
}

export async function findSubscriberDetail(db: Db, id: number) {
  const summary = await findSubscriberSummary(db, id);
  if (!summary) return null;
  const [subscriptions, deliveries, consents, ratings] = await Promise.all([
    db.subscription.findMany({
      where: { subscriberId: id },
      orderBy: { listId: 'asc' },
      select: { createdAt: true, confirmedAt: true, list: { select: { slug: true, name: true } } },
    }),
    db.delivery.findMany({
      where: { subscriberId: id },
      orderBy: { id: 'desc' },
      take: RECENT_DELIVERIES,
      select: {
        id: true,
        digestId: true,
        status: true,
        attempts: true,
        lastError: true,
        smtpResponse: true,
        createdAt: true,
        sentAt: true,
        digest: { select: { period: true } },
      },
    }),
    db.consentRecord.findMany({
      where: { subscriberId: id },
      orderBy: { id: 'desc' },
      select: { action: true, lists: true, ip: true, userAgent: true, formVersion: true, createdAt: true },
    }),
    countRatings(db, id),
  ]);
  return {
    ...summary,
    subscriptions: subscriptions.map((s) => ({
      list: s.list.slug,
      name: s.list.name,
      createdAt: s.createdAt,
      confirmedAt: s.confirmedAt,
    })),
    deliveries: deliveries.map(({ digest, ...d }) => ({ ...d, period: digest.period })),
    consents,
    ratings,
  };
}

/**
 * Applies an admin's change. Setting a subscriber active is the admin
 * vouching for consent: the subscriber and its subscriptions count as
 * confirmed from now. Every change of status or lists is recorded as
 * consent evidence (action "admin").
 */
export async function updateSubscriber(
  db: Db,
  id: number,
  patch: SubscriberPatch,
  actor: AdminActor,
): Promise<SubscriberSummary | null> {
  const exists = await db.subscriber.findUnique({ where: { id }, select: { status: true } });
  if (!exists) return null;
  const lists = patch.lists ? await resolveLists({ db }, patch.lists, false) : undefined;
  const now = new Date();
  const status = patch.status ?? exists.status;
  const changesStatus = patch.status !== undefined && patch.status !== exists.status;
  await db.$transaction(async (tx) => {
    await tx.subscriber.update({
      where: { id },
      data: {
        timezone: patch.timezone,
        sendHour: patch.sendHour,
        frequency: patch.frequency,
        weekday: patch.weekday,
        papersPerEmail: patch.papersPerEmail,
        ...interestColumns(patch.interests),
        status: patch.status,
        ...(changesStatus && status === 'active' ? { unsubscribedAt: null } : {}),
        ...(changesStatus && status === 'unsubscribed' ? { unsubscribedAt: now } : {}),
      },
    });
    if (status === 'active')
      await tx.subscriber.updateMany({ where: { id, confirmedAt: null }, data: { confirmedAt: now } });
    if (lists)
      await replaceSubscriptions(
        tx,
        id,
        lists.map((list) => list.id),
        status === 'active' ? now : null,
      );
    if (status === 'active') await confirmSubscriptions(tx, id, now);
    if (patch.status || lists) {
      const current = await tx.subscription.findMany({
        where: { subscriberId: id },
        select: { list: { select: { slug: true } } },
      });
      await recordConsent(
        tx,
        id,
        current.map((s) => s.list.slug),
        { action: 'admin', ip: actor.ip, userAgent: actor.userAgent, formVersion: `admin-api:${status}` },
      );
    }
  });
  return findSubscriberSummary(db, id);
}
