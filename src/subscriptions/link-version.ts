// Revocable links: every link token carries the instant it was issued (its
// version), and a subscriber's linksRevokedAt refuses every link issued at or
// before it. "Sign out all links" on the preference page and the admin action
// move it; erasure deletes the row, which ends every link anyway.
import type { Db } from '../db.js';
import { readToken, type TokenRead } from './read-token.js';
import type { TokenPurpose } from './tokens.js';

export type LinkRead = TokenRead | { ok: false; failure: 'revoked' | 'not_found' };

/**
 * readToken, then the subscriber's link version: a token issued at or
 * before Subscriber.linksRevokedAt is refused. Tokens from before issue
 * times were carried count as issued at 0. An erased subscriber's links are
 * not_found.
 */
export async function readLinkToken(
  db: Pick<Db, 'subscriber'>,
  secret: string,
  purpose: TokenPurpose,
  token: string,
  now = Date.now(),
): Promise<LinkRead> {
  const read = readToken(secret, purpose, token, now);
  if (!read.ok) return read;
  const row = await db.subscriber.findUnique({ where: { id: read.claims.sub }, select: { linksRevokedAt: true } });
  if (!row) return { ok: false, failure: 'not_found' };
  if (row.linksRevokedAt && (read.claims.iat ?? 0) <= row.linksRevokedAt.getTime())
    return { ok: false, failure: 'revoked' };
  return read;
}

/** Signs out every link a subscriber holds; links made from now on work. Returns false for no such subscriber. */
export async function revokeLinks(
  db: Pick<Db, 'subscriber'>,
  subscriberId: number,
  now = new Date(),
): Promise<boolean> {
  const { count } = await db.subscriber.updateMany({ where: { id: subscriberId }, data: { linksRevokedAt: now } });
  return count === 1;
}
