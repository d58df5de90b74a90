// Token checks for request handlers: every bad token becomes a value, so a
// tampered, expired or wrong-purpose link gets a 4xx page, never a 500.
import { TokenError, verifyToken, type TokenClaims, type TokenFailure, type TokenPurpose } from './tokens.js';

export type TokenRead = { ok: true; claims: TokenClaims } | { ok: false; failure: TokenFailure };

export function readToken(secret: string, purpose: TokenPurpose, token: string, now = Date.now()): TokenRead {
  try {
    return { ok: true, claims: verifyToken(secret, purpose, token, now) };
  } catch (error) {
    if (error instanceof TokenError) return { ok: false, failure: error.reason };
    throw error;
  }
}
