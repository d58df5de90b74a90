// Admin console sessions, kept in Postgres so every server instance sees a
// sign-in and a sign-out at once. The browser holds a random secret; the row
// is keyed by its sha256, so a database dump holds no usable cookie. A
// session ends when it expires, when its admin signs out, or when the token
// that opened it is revoked.
import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../db.js';
import type { TokenIdentity } from './token-auth.js';

export interface ConsoleSession {
  tokenId: number | null;
  name: string;
  scopes: string[];
  csrfToken: string;
  expiresAt: Date;
}

const keyOf = (secret: string) => createHash('sha256').update(secret, 'utf8').digest('hex');

/** Opens a session; returns the secret for the cookie (shown once, never stored). */
export async function openConsoleSession(
  db: Db,
  identity: TokenIdentity,
  ttlMinutes: number,
  now = new Date(),
): Promise<{ secret: string; session: ConsoleSession }> {
  const secret = randomBytes(32).toString('base64url');
  const session = {
    tokenId: identity.tokenId,
    name: identity.name,
    scopes: [...identity.scopes],
    csrfToken: randomBytes(32).toString('base64url'),
    expiresAt: new Date(now.getTime() + ttlMinutes * 60_000),
  };
  await db.consoleSession.create({ data: { id: keyOf(secret), ...session } });
  // Sign-ins are rare: the place to sweep the expired rows, without a job.
  await db.consoleSession.deleteMany({ where: { expiresAt: { lt: now } } });
  return { secret, session };
}

/** The live session for this cookie secret, or null (unknown, expired, or its token revoked). */
export async function findConsoleSession(db: Db, secret: string, now = new Date()): Promise<ConsoleSession | null> {
  if (!/^[A-Za-z0-9_-]{43}$/.test(secret)) return null;
  const row = await db.consoleSession.findUnique({ where: { id: keyOf(secret) } });
  if (!row || row.expiresAt <= now) return null;
  if (row.tokenId !== null) {
    const token = await db.adminToken.findUnique({ where: { id: row.tokenId }, select: { revokedAt: true } });
    if (!token || token.revokedAt) return null;
  }
  return {
    tokenId: row.tokenId,
    name: row.name,
    scopes: row.scopes,
    csrfToken: row.csrfToken,
    expiresAt: row.expiresAt,
  };
}

export async function closeConsoleSession(db: Db, secret: string): Promise<void> {
  await db.consoleSession.deleteMany({ where: { id: keyOf(secret) } });
}
