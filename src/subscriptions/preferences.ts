// The preference page: what a subscriber gets and when. The manage link in
// every email is the reader's proof of owning the address, so changes here
// apply at once (lists added by an active reader count as confirmed).
import type { SubscriberStatus } from '../generated/prisma/client.js';
import type { SubscriptionDeps } from './deps.js';
import { interestColumns, interestsOf, type Interests } from './interests.js';
import { UnknownListsError } from './save-subscriber.js';
import type { PreferencesFormInput } from './subscriber-input.js';
import {
  findPublicLists,
  findSubscriptions,
  lockSubscriberById,
  recordConsent,
  replaceSubscriptions,
} from './subscriber-repo.js';

export interface PreferenceList {
  slug: string;
  name: string;
  description: string;
  selected: boolean;
  /** Asked for but not confirmed yet. */
  awaitingConfirmation: boolean;
}

export interface PreferencesView {
  subscriberId: number;
  status: SubscriberStatus;
  timezone: string;
  sendHour: number;
  frequency: 'daily' | 'weekly';
  weekday: number;
  papersPerEmail: number;
  interests: Interests;
  lists: PreferenceList[];
}

export interface PreferenceEvidence {
  ip: string | null;
  userAgent: string | null;
}

/** Public lists plus any private list the subscriber already follows. */
export async function loadPreferences(
  deps: Pick<SubscriptionDeps, 'db'>,
  subscriberId: number,
): Promise<PreferencesView | null> {
  const subscriber = await deps.db.subscriber.findUnique({ where: { id: subscriberId } });
  if (!subscriber?.email) return null;
  const [publicLists, subscriptions] = await Promise.all([
    findPublicLists(deps.db),
    findSubscriptions(deps.db, subscriberId),
  ]);
  const followed = new Map(subscriptions.map((s) => [s.listId, s]));
  const lists = [...publicLists, ...subscriptions.map((s) => s.list).filter((list) => !list.public)].map((list) => ({
    slug: list.slug,
    name: list.name,
    description: list.description,
    selected: followed.has(list.id),
    awaitingConfirmation: followed.has(list.id) && !followed.get(list.id)?.confirmedAt,
  }));
  return {
    subscriberId,
    status: subscriber.status,
    timezone: subscriber.timezone,
    sendHour: subscriber.sendHour,
    frequency: subscriber.frequency,
    weekday: subscriber.weekday,
    papersPerEmail: subscriber.papersPerEmail,
    interests: interestsOf(subscriber),
    lists,
  };
}

/** Throws UnknownListsError for a list the reader cannot choose. Returns false when the subscriber is gone. */
export async function updatePreferences(
  deps: Pick<SubscriptionDeps, 'db'>,
  subscriberId: number,
  input: PreferencesFormInput,
  evidence: PreferenceEvidence,
  now = new Date(),
): Promise<boolean> {
  const current = await loadPreferences(deps, subscriberId);
  if (!current) return false;
  const choosable = new Set(current.lists.map((list) => list.slug));
  const unknown = input.lists.filter((slug) => !choosable.has(slug));
  if (unknown.length) throw new UnknownListsError(unknown);
  const lists = await deps.db.list.findMany({ where: { slug: { in: input.lists } } });

  await deps.db.$transaction(async (tx) => {
    const subscriber = await lockSubscriberById(tx, subscriberId);
    if (!subscriber) return;
    const active = subscriber.status === 'active';
    const listIds = lists.map((list) => list.id);
    await tx.subscriber.update({
      where: { id: subscriberId },
      data: {
        timezone: input.timezone,
        sendHour: input.sendHour,
        frequency: input.frequency,
        weekday: input.weekday,
        papersPerEmail: input.papersPerEmail,
        ...interestColumns(input.interests),
      },
    });
    await replaceSubscriptions(tx, subscriberId, listIds, active ? now : null);
    if (active) {
      // Ticking a list that was awaiting confirmation, from the reader's own link, confirms it.
      await tx.subscription.updateMany({
        where: { subscriberId, listId: { in: listIds }, confirmedAt: null },
        data: { confirmedAt: now },
      });
    }
    await recordConsent(
      tx,
      subscriberId,
      lists.map((list) => list.slug),
      { action: 'preferences', ...evidence },
    );
  });
  return true;
}
