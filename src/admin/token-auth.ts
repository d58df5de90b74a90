// "Who is this raw token?" for the admin console's sign-in: the same check
// and the same scopes as the admin API's bearer authentication.
import type { Config } from '../config.js';
import type { Db } from '../db.js';
import { findActiveAdminToken, hasScope, SCOPES, tokensEqual, type Scope } from './admin-tokens.js';

export { SCOPES, type Scope };

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
  return token ? { tokenId: token.id, name: token.name, scopes: token.scopes.filter((s): s is Scope => (SCOPES as readonly string[]).includes(s)) } : null;
}

/** The console asks this before showing a page or a form; the rule is the API's (`admin` may do everything). */
export const allows = (scopes: readonly string[], needed: Scope): boolean => hasScope(scopes, needed);
