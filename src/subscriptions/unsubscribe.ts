// Unsubscribing: one conditional UPDATE, so a repeated POST (mail clients
// retry RFC 8058 requests) is a no-op that still answers "unsubscribed".
import type { SubscriptionDeps } from './deps.js';
import { findSubscriptions, recordConsent } from './subscriber-repo.js';

export interface UnsubscribeEvidence {
  ip: string | null;
  userAgent: string | null;
  /** "one-click" (RFC 8058 POST from a mail client), "page", "mailto" (mail to the List-Unsubscribe address) or "provider" (a webhook). */
  via: 'one-click' | 'page' | 'mailto' | 'provider';
}

export type UnsubscribeOutcome = 'unsubscribed' | 'already_unsubscribed' | 'not_found';

export async function unsubscribe(
  deps: Pick<SubscriptionDeps, 'db' | 'logger'>,
  subscriberId: number,
  evidence: UnsubscribeEvidence,
  now = new Date(),
): Promise<UnsubscribeOutcome> {
  const { count } = await deps.db.subscriber.updateMany({
    where: { id: subscriberId, status: { in: ['pending', 'active'] }, email: { not: null } },
    data: { status: 'unsubscribed', unsubscribedAt: now },
  });
  if (!count) {
    const exists = await deps.db.subscriber.findUnique({ where: { id: subscriberId }, select: { email: true } });
    return exists?.email ? 'already_unsubscribed' : 'not_found';
  }
  const lists = (await findSubscriptions(deps.db, subscriberId)).map((s) => s.list.slug);
  await recordConsent(deps.db, subscriberId, lists, {
    action: 'unsubscribe',
    ip: evidence.ip,
    userAgent: evidence.userAgent,
    formVersion: evidence.via,
  });
  deps.logger
    .child({ module: 'subscriptions' })
    .info({ event: 'unsubscribed', subscriberId, via: evidence.via }, 'unsubscribed');
  return 'unsubscribed';
}
