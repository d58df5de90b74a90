// "Who is this raw token?" for the admin API's bearer (or Basic) header and
// the admin console's sign-in: one check, so both accept the same secrets and
// see the same scopes. What the scopes allow is one rule for both too:
// scopeFor and mayAccess in admin-tokens.ts.
import type { Config } from '../config.js';
import type { Db } from '../db.js';
import type { Logger } from '../logger.js';
import { findActiveAdminToken, SCOPES, tokensEqual, touchAdminToken, type Scope } from './admin-tokens.js';

export { SCOPES, type Scope };

/** Longer than any token we issue; the bearer header and the sign-in form stop there too. */
export const MAX_TOKEN_LENGTH = 512;

export interface TokenIdentity {
  /** null for the bootstrap ADMIN_TOKEN. */
  tokenId: number | null;
  name: string;
  scopes: Scope[];
}

export interface TokenAuthDeps {
  db: Db;
  config: Pick<Config, 'adminToken'>;
  logger: Logger;
}

/**
 * The identity behind a raw secret, or null. The bootstrap ADMIN_TOKEN
 * (compared in constant time) holds the admin scope; a stored token is looked
 * up by its sha256. A stored token's lastUsedAt is written (throttled) in
 * the background, for an API request and a console sign-in alike, so the
 * tokens page never calls a token unused that signed someone in.
 */
export async function authenticateToken(deps: TokenAuthDeps, secret: string): Promise<TokenIdentity | null> {
  if (!secret || secret.length > MAX_TOKEN_LENGTH) return null;
  if (tokensEqual(secret, deps.config.adminToken)) return { tokenId: null, name: 'bootstrap', scopes: ['admin'] };
  const token = await findActiveAdminToken(deps.db, secret);
  if (!token) return null;
  // Bookkeeping must never fail or slow the request it is about.
  touchAdminToken(deps.db, token).catch((error: unknown) =>
    deps.logger
      .child({ module: 'admin-auth' })
      .warn({ event: 'admin_token_touch_failed', err: error }, 'could not record token use'),
  );
  // A scope dropped from SCOPES since the token was made grants nothing.
  return {
    tokenId: token.id,
    name: token.name,
    scopes: token.scopes.filter((s): s is Scope => (SCOPES as readonly string[]).includes(s)),
  };
}
