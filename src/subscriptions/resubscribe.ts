// "Subscribe again" from the preference page: the undo of an unsubscribe,
// asked by the reader's own signed link. The 10-minute confirmation throttle
// guards against a form being replayed at someone's inbox; it must not
// swallow the one email that brings a reader back, so a request made before
// the unsubscribe does not count against it.
import { CONFIRM_THROTTLE_MS } from './confirmation-mail.js';
import type { SubscriptionDeps } from './deps.js';
import { markConfirmationRequested } from './outbox-repo.js';

export type ResubscribeOutcome =
  | { kind: 'requested' }
  /** A confirmation asked for since the unsubscribe went out a moment ago: that link still works. */
  | { kind: 'recently_sent'; sentAt: Date }
  | { kind: 'not_found' };

export async function requestResubscribe(
  deps: SubscriptionDeps,
  subscriberId: number,
  now = new Date(),
): Promise<ResubscribeOutcome> {
  const row = await deps.db.subscriber.findUnique({
    where: { id: subscriberId },
    select: { confirmRequestedAt: true, confirmSentAt: true, unsubscribedAt: true },
  });
  if (!row) return { kind: 'not_found' };
  const askedSinceLeaving =
    row.confirmRequestedAt !== null && (row.unsubscribedAt === null || row.confirmRequestedAt > row.unsubscribedAt);
  const requestedAt = await markConfirmationRequested(
    deps.db,
    subscriberId,
    now,
    askedSinceLeaving ? CONFIRM_THROTTLE_MS : 0,
  );
  if (requestedAt) return { kind: 'requested' };
  const sent =
    row.confirmSentAt !== null && row.confirmRequestedAt !== null && row.confirmSentAt >= row.confirmRequestedAt;
  // Requested but not sent yet: it is on its way, like a fresh request.
  return sent ? { kind: 'recently_sent', sentAt: row.confirmSentAt! } : { kind: 'requested' };
}
