// Double opt-in: a confirm link activates the subscriber and confirms the
// lists it asked for. Idempotent: the second click says "already confirmed".
import { requestConfirmation } from './confirmation-mail.js';
import type { SubscriptionDeps } from './deps.js';
import { confirmSubscriptions, findSubscriptions, lockSubscriberById, recordConsent } from './subscriber-repo.js';
import { readLinkToken } from './link-version.js';
import { TOKEN_TTL, TokenError, verifyToken, type TokenClaims, type TokenFailure } from './tokens.js';
import { enqueueWelcome } from './welcome-mail.js';

export interface ConfirmEvidence {
  ip: string | null;
  userAgent: string | null;
}

export type ConfirmResult =
  | { kind: 'confirmed' | 'lists_added' | 'already_confirmed'; subscriberId: number }
  /** The link is bad (tampered, wrong purpose, expired), or older than the reader's unsubscribe. */
  | { kind: 'invalid_link'; reason: TokenFailure | 'revoked' | 'superseded' | 'not_found' };

export async function confirmSubscription(
  deps: SubscriptionDeps,
  token: string,
  evidence: ConfirmEvidence,
  now = new Date(),
): Promise<ConfirmResult> {
  const read = await readLinkToken(deps.db, deps.config.secretKey, 'confirm', token, now.getTime());
  if (!read.ok) return { kind: 'invalid_link', reason: read.failure };
  const subscriberId = read.claims.sub;
  const issuedAtMs = ((read.claims.exp ?? 0) - (TOKEN_TTL.confirm ?? 0)) * 1000;

  const outcome = await deps.db.$transaction(async (tx) => {
    const subscriber = await lockSubscriberById(tx, subscriberId);
    if (!subscriber?.email) return { kind: 'invalid_link', reason: 'not_found' } as const;
    if (subscriber.status === 'active') {
      const added = await confirmSubscriptions(tx, subscriberId, now);
      if (!added) return { kind: 'already_confirmed', subscriberId } as const;
      await recordConsent(tx, subscriberId, await confirmedSlugs(tx, subscriberId), { action: 'confirm', ...evidence });
      return { kind: 'lists_added', subscriberId } as const;
    }
    // A confirm link from before an unsubscribe must not undo it: coming back
    // takes a new sign-up and a new link.
    const unsubscribedAt = subscriber.unsubscribedAt?.getTime() ?? 0;
    if (issuedAtMs < Math.floor(unsubscribedAt / 1000) * 1000)
      return { kind: 'invalid_link', reason: 'superseded' } as const;
    await tx.subscriber.update({
      where: { id: subscriberId },
      data: { status: 'active', confirmedAt: now, bounceCount: 0 },
    });
    await confirmSubscriptions(tx, subscriberId, now);
    await recordConsent(tx, subscriberId, await confirmedSlugs(tx, subscriberId), { action: 'confirm', ...evidence });
    return { kind: 'confirmed', subscriberId } as const;
  });
  if (outcome.kind === 'confirmed') await enqueueWelcome(deps, subscriberId, now);
  return outcome;
}

async function confirmedSlugs(db: Parameters<typeof findSubscriptions>[0], subscriberId: number): Promise<string[]> {
  return (await findSubscriptions(db, subscriberId)).filter((s) => s.confirmedAt).map((s) => s.list.slug);
}

/**
 * "Send me a new link" from an expired confirm page. The expired token's
 * signature still proves who it was for; expiry only limits how long it can
 * confirm. Says nothing about the outcome, like the sign-up form.
 */
export async function renewConfirmation(deps: SubscriptionDeps, token: string): Promise<void> {
  let claims: TokenClaims;
  try {
    // now = 0: check signature and purpose, ignore the expiry.
    claims = verifyToken(deps.config.secretKey, 'confirm', token, 0);
  } catch (error) {
    if (error instanceof TokenError) return;
    throw error;
  }
  const subscriberId = claims.sub;
  const subscriber = await deps.db.subscriber.findUnique({ where: { id: subscriberId } });
  if (!subscriber?.email) return;
  if (subscriber.linksRevokedAt && (claims.iat ?? 0) <= subscriber.linksRevokedAt.getTime()) return;
  const issuedAtMs = ((claims.exp ?? 0) - (TOKEN_TTL.confirm ?? 0)) * 1000;
  if (subscriber.unsubscribedAt && issuedAtMs < Math.floor(subscriber.unsubscribedAt.getTime() / 1000) * 1000) return;
  if (subscriber.status === 'active') {
    const unconfirmed = await deps.db.subscription.count({ where: { subscriberId, confirmedAt: null } });
    if (!unconfirmed) return;
  }
  await requestConfirmation(deps, subscriberId);
}
