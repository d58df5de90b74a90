// Admin API tokens: the secret is shown once and only its sha256 is stored,
// so a database dump cannot be replayed against the API.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { Db } from '../db.js';

/** Prefix makes a leaked token recognisable to secret scanners. */
const TOKEN_PREFIX = 'pb_';
/** lastUsedAt is written at most this often per token: one write per minute, not per request. */
export const LAST_USED_THROTTLE_MS = 60_000;

/** A label for people: one line, so it is safe in logs and terminals. */
export const TokenNameSchema = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .regex(/^[^\r\n\t]+$/, 'one line');

/**
 * What a token may do. read: every GET; subscribers, lists, papers, digests:
 * writes in that area; admin: everything, and alone manages tokens and reads
 * the audit log.
 */
export const SCOPES = ['read', 'subscribers', 'lists', 'papers', 'digests', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

export const ScopesSchema = z
  .array(z.enum(SCOPES))
  .min(1, `name at least one of ${SCOPES.join(', ')}`)
  .max(SCOPES.length)
  .transform((scopes) => [...new Set(scopes)].sort((a, b) => SCOPES.indexOf(a) - SCOPES.indexOf(b)));

/** admin implies every other scope. */
export function hasScope(granted: readonly string[], needed: Scope): boolean {
  return granted.includes('admin') || granted.includes(needed);
}

/** The areas of the admin surface: the API's tags, which the console's pages share. */
export const ADMIN_AREAS = [
  'lists',
  'subscribers',
  'privacy',
  'suppressions',
  'papers',
  'digests',
  'stats',
  'tokens',
  'audit',
  'meta',
] as const;
export type AdminArea = (typeof ADMIN_AREAS)[number];
export type Access = 'read' | 'write';

/** Writes need the scope of their area; tokens and the audit log need admin. */
const WRITE_SCOPE: Partial<Record<AdminArea, Scope>> = {
  lists: 'lists',
  subscribers: 'subscribers',
  privacy: 'subscribers',
  suppressions: 'subscribers',
  papers: 'papers',
  digests: 'digests',
  tokens: 'admin',
  audit: 'admin',
};
/** Reads that hand out more than `read` should: managing tokens, the audit trail, one person's whole record. */
const READ_SCOPE: Partial<Record<AdminArea, Scope>> = { tokens: 'admin', audit: 'admin', privacy: 'subscribers' };

/**
 * The one rule of the admin API and the console: the scope that reading or
 * changing something in an area needs. Null for a write in an area that has
 * no write scope, which the caller reports as a programming error.
 */
export function scopeFor(access: Access, area: AdminArea): Scope | null {
  return access === 'read' ? (READ_SCOPE[area] ?? 'read') : (WRITE_SCOPE[area] ?? null);
}

/** May a token with these scopes read, or change, this area? */
export function mayAccess(granted: readonly string[], access: Access, area: AdminArea): boolean {
  const needed = scopeFor(access, area);
  return needed !== null && hasScope(granted, needed);
}

export interface AdminTokenInfo {
  id: number;
  name: string;
  scopes: string[];
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

export function hashToken(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** Constant-time equality on digests, so neither length nor prefix leaks through timing. */
export function tokensEqual(a: string, b: string): boolean {
  return timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
}

const PUBLIC_FIELDS = {
  id: true,
  name: true,
  scopes: true,
  createdAt: true,
  lastUsedAt: true,
  revokedAt: true,
} as const;

export async function createAdminToken(
  db: Db,
  name: string,
  scopes: Scope[],
): Promise<{ token: string; info: AdminTokenInfo }> {
  const token = `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
  const info = await db.adminToken.create({
    data: { name, scopes, tokenHash: hashToken(token) },
    select: PUBLIC_FIELDS,
  });
  return { token, info };
}

export function listAdminTokens(db: Db, options: { includeRevoked?: boolean } = {}): Promise<AdminTokenInfo[]> {
  return db.adminToken.findMany({
    where: options.includeRevoked ? {} : { revokedAt: null },
    orderBy: { id: 'asc' },
    select: PUBLIC_FIELDS,
  });
}

/** Returns false when there is no such token or it was already revoked. */
export async function revokeAdminToken(db: Db, id: number): Promise<boolean> {
  const { count } = await db.adminToken.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: new Date() } });
  return count === 1;
}

/** The live token with this secret, or null. Looked up by hash (a unique index), never by the secret. */
export function findActiveAdminToken(db: Db, secret: string): Promise<AdminTokenInfo | null> {
  return db.adminToken.findFirst({ where: { tokenHash: hashToken(secret), revokedAt: null }, select: PUBLIC_FIELDS });
}

/**
 * Records use, at most once per throttle window. The condition sits in the
 * UPDATE itself, so concurrent requests on several servers write once.
 */
export async function touchAdminToken(db: Db, token: AdminTokenInfo, now = new Date()): Promise<void> {
  if (token.lastUsedAt && now.getTime() - token.lastUsedAt.getTime() < LAST_USED_THROTTLE_MS) return;
  const before = new Date(now.getTime() - LAST_USED_THROTTLE_MS);
  await db.adminToken.updateMany({
    where: { id: token.id, OR: [{ lastUsedAt: null }, { lastUsedAt: { lt: before } }] },
    data: { lastUsedAt: now },
  });
}
