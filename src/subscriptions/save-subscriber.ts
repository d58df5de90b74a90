// The one way a subscriber is created or updated from an address and lists:
// the public form, the admin API and CSV import all call saveSubscriber.
//
// Rules, by the status the address already has:
// - none: created with the wanted status. Pending gets a confirmation email;
//   active (an admin vouching for consent) has its lists confirmed now.
// - active: stays active whatever is asked. A pending request only adds the
//   new lists unconfirmed and sends a confirmation for them; the preferences
//   are left alone, because an anonymous form must not change a reader's
//   settings. An admin's active request updates preferences and lists.
// - pending: the latest request wins (preferences, lists); a fresh
//   confirmation goes out at most once per 10 minutes. An admin's active
//   request activates it.
// - unsubscribed, bounced, complained: nothing is re-activated without the
//   reader confirming again, even when an admin asks for active; the request
//   is stored and a confirmation is sent.
import { uniqueViolation } from '../db.js';
import type { List, Prisma, SubscriberStatus } from '../generated/prisma/client.js';
import { CONFIRM_THROTTLE_MS } from './confirmation-mail.js';
import { markConfirmationRequested } from './outbox-repo.js';
import type { SubscriptionDeps } from './deps.js';
import { interestColumns } from './interests.js';
import { insertSubscriberIfNew } from './new-subscribers.js';
import { DEFAULT_PREFERENCES, normaliseEmail, type PreferencesInput } from './subscriber-input.js';
import {
  addSubscriptions,
  findListsBySlugs,
  lockSubscriberByEmail,
  recordConsent,
  replaceSubscriptions,
  type ConsentEvidence,
} from './subscriber-repo.js';

export class UnknownListsError extends Error {
  constructor(readonly slugs: string[]) {
    super(`unknown list${slugs.length > 1 ? 's' : ''}: ${slugs.join(', ')}`);
    this.name = 'UnknownListsError';
  }
}

export interface SaveSubscriberRequest {
  /** Normalised here again, so callers cannot get it wrong. */
  email: string;
  /** List slugs; every one must exist (and be public when publicListsOnly). */
  lists: string[];
  status: 'pending' | 'active';
  preferences?: PreferencesInput;
  evidence: ConsentEvidence;
  /** The public form may only offer public lists; a private one counts as unknown. */
  publicListsOnly?: boolean;
}

export interface SaveSubscriberResult {
  subscriberId: number;
  created: boolean;
  /** Status before the call, null when created. Never shown to the public: it would enumerate addresses. */
  previousStatus: SubscriberStatus | null;
  status: SubscriberStatus;
  /** A new confirmation email was requested (it is in the outbox). */
  confirmationRequested: boolean;
}

interface Applied extends Omit<SaveSubscriberResult, 'confirmationRequested'> {
  requestedAt: Date | null;
}

export async function resolveLists(
  deps: Pick<SubscriptionDeps, 'db'>,
  slugs: string[],
  publicOnly: boolean,
): Promise<List[]> {
  const wanted = [...new Set(slugs)];
  const found = (await findListsBySlugs(deps.db, wanted)).filter((list) => !publicOnly || list.public);
  const missing = wanted.filter((slug) => !found.some((list) => list.slug === slug));
  if (missing.length) throw new UnknownListsError(missing);
  return found;
}

export async function saveSubscriber(
  deps: SubscriptionDeps,
  request: SaveSubscriberRequest,
  now = new Date(),
): Promise<SaveSubscriberResult> {
  const email = normaliseEmail(request.email);
  const created = await createIfNew(deps, email, request, now);
  if (created) return created;
  const lists = await resolveLists(deps, request.lists, request.publicListsOnly ?? false);
  for (let attempt = 0; ; attempt += 1) {
    try {
      const applied = await deps.db.$transaction((tx) => applyRequest(tx, email, lists, request, now));
      const { requestedAt, ...result } = applied;
      return { ...result, confirmationRequested: requestedAt !== null };
    } catch (error) {
      // Two first sign-ups for one address raced on the unique email; the
      // second now finds the row and takes the "existing" path.
      if (attempt === 0 && uniqueViolation(error)) continue;
      throw error;
    }
  }
}

/**
 * The common case, a new address, in one statement instead of a locked
 * transaction of seven round trips. Null when the address exists (the
 * locked path below applies the rules); throws UnknownListsError when a list
 * is missing, with nothing stored.
 */
async function createIfNew(
  deps: SubscriptionDeps,
  email: string,
  request: SaveSubscriberRequest,
  now: Date,
): Promise<SaveSubscriberResult | null> {
  const prefs = request.preferences;
  const outcome = await insertSubscriberIfNew(deps.db, {
    email,
    status: request.status,
    timezone: prefs?.timezone ?? DEFAULT_PREFERENCES.timezone,
    sendHour: prefs?.sendHour ?? DEFAULT_PREFERENCES.sendHour,
    frequency: prefs?.frequency ?? DEFAULT_PREFERENCES.frequency,
    weekday: prefs?.weekday ?? DEFAULT_PREFERENCES.weekday,
    papersPerEmail: prefs?.papersPerEmail,
    interests: prefs?.interests,
    slugs: [...new Set(request.lists)],
    publicOnly: request.publicListsOnly ?? false,
    evidence: request.evidence,
    now,
  });
  if (outcome.kind === 'exists') return null;
  if (outcome.kind === 'unknown_lists') {
    // Only to name the missing lists in the error; resolveLists throws.
    await resolveLists(deps, request.lists, request.publicListsOnly ?? false);
    return null;
  }
  const pending = request.status === 'pending';
  return {
    subscriberId: outcome.id,
    created: true,
    previousStatus: null,
    status: request.status,
    confirmationRequested: pending,
  };
}

function preferenceData(prefs: PreferencesInput | undefined) {
  return {
    timezone: prefs?.timezone,
    sendHour: prefs?.sendHour,
    frequency: prefs?.frequency,
    weekday: prefs?.weekday,
    papersPerEmail: prefs?.papersPerEmail,
    ...interestColumns(prefs?.interests),
  };
}

async function applyRequest(
  tx: Prisma.TransactionClient,
  email: string,
  lists: List[],
  request: SaveSubscriberRequest,
  now: Date,
): Promise<Applied> {
  const listIds = lists.map((list) => list.id);
  const slugs = lists.map((list) => list.slug);
  const requestConfirmation = (id: number) => markConfirmationRequested(tx, id, now, CONFIRM_THROTTLE_MS);
  const existing = await lockSubscriberByEmail(tx, email);

  if (!existing) {
    const active = request.status === 'active';
    const created = await tx.subscriber.create({
      data: { email, status: request.status, ...preferenceData(request.preferences), confirmedAt: active ? now : null },
    });
    await addSubscriptions(tx, created.id, listIds, active ? now : null);
    await recordConsent(tx, created.id, slugs, request.evidence);
    const requestedAt = active ? null : await requestConfirmation(created.id);
    return { subscriberId: created.id, created: true, previousStatus: null, status: created.status, requestedAt };
  }

  const id = existing.id;
  const base = { subscriberId: id, created: false, previousStatus: existing.status };

  if (existing.status === 'active') {
    if (request.status === 'active') {
      await tx.subscriber.update({ where: { id }, data: preferenceData(request.preferences) });
      await addSubscriptions(tx, id, listIds, now);
      await tx.subscription.updateMany({
        where: { subscriberId: id, listId: { in: listIds }, confirmedAt: null },
        data: { confirmedAt: now },
      });
      await recordConsent(tx, id, slugs, request.evidence);
      return { ...base, status: 'active', requestedAt: null };
    }
    const added = await addSubscriptions(tx, id, listIds, null);
    if (added) await recordConsent(tx, id, slugs, request.evidence);
    const unconfirmed = await tx.subscription.count({ where: { subscriberId: id, confirmedAt: null } });
    return { ...base, status: 'active', requestedAt: unconfirmed ? await requestConfirmation(id) : null };
  }

  if (existing.status === 'pending' && request.status === 'active') {
    await tx.subscriber.update({
      where: { id },
      data: { ...preferenceData(request.preferences), status: 'active', confirmedAt: now },
    });
    await replaceSubscriptions(tx, id, listIds, now);
    await tx.subscription.updateMany({ where: { subscriberId: id, confirmedAt: null }, data: { confirmedAt: now } });
    await recordConsent(tx, id, slugs, request.evidence);
    return { ...base, status: 'active', requestedAt: null };
  }

  // Pending, or opted out (unsubscribed, bounced, complained): store the
  // request; only the reader's confirmation changes the status.
  await tx.subscriber.update({ where: { id }, data: preferenceData(request.preferences) });
  await replaceSubscriptions(tx, id, listIds, null);
  await recordConsent(tx, id, slugs, request.evidence);
  return { ...base, status: existing.status, requestedAt: await requestConfirmation(id) };
}
