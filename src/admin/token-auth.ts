// "Who is this raw token?" for the admin console's sign-in: the same check
// and the same scopes as the admin API's bearer authentication. What the
// scopes allow is one rule for both: scopeFor and mayAccess in admin-tokens.ts.
import type { Config } from '../config.js';
import type { Db } from '../db.js';
import { findActiveAdminToken, SCOPES, tokensEqual, type Scope } from './admin-tokens.js';

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
