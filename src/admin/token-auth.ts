// "Who is this raw token?" for the admin console's sign-in. A stand-in with
// the same shape as the scoped-token check being added to admin-tokens: until
// tokens carry scopes, every valid token is an admin.
import type { Config } from '../config.js';
import type { Db } from '../db.js';
import { findActiveAdminToken, tokensEqual } from './admin-tokens.js';

export const SCOPES = ['read', 'subscribers', 'lists', 'papers', 'digests', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

export interface TokenIdentity {
  /** null for the bootstrap ADMIN_TOKEN. */
  tokenId: number | null;
  name: string;
  scopes: Scope[];
}

export async function authenticateToken(deps: { db: Db; config: Pick<Config, 'adminToken'> }, raw: string): Promise<TokenIdentity | null> {
  const secret = raw.trim();
  if (!secret || secret.length > 512) return null;
  if (tokensEqual(secret, deps.config.adminToken)) return { tokenId: null, name: 'bootstrap', scopes: ['admin'] };
  const token = await findActiveAdminToken(deps.db, secret);
  return token ? { tokenId: token.id, name: token.name, scopes: ['admin'] } : null;
}

/**
 * `admin` may do everything; any scope may read; otherwise the scope itself
 * is needed. The console asks this before showing a page or a form.
 */
export function allows(scopes: readonly string[], needed: Scope): boolean {
  if (scopes.includes('admin')) return true;
  if (needed === 'read') return scopes.length > 0;
  return scopes.includes(needed);
}
