// Signed, purpose-bound link tokens: base64url(payload).base64url(HMAC).
// The HMAC key is derived per purpose, so a token minted for one purpose
// can never verify as another, even if payloads looked alike.
import { createHmac, timingSafeEqual } from 'node:crypto';

export type TokenPurpose = 'confirm' | 'manage' | 'unsubscribe' | 'view' | 'feedback';

export type Vote = 'up' | 'down';

/** Lifetimes in seconds; null never expires (RFC 8058 links must keep working). */
export const TOKEN_TTL: Record<TokenPurpose, number | null> = {
  confirm: 7 * 24 * 3600,
  manage: null,
  unsubscribe: null,
  view: null,
  // A reader may rate a paper from an old email; a vote changes nothing but a rating.
  feedback: null,
};

export interface TokenClaims {
  /** Subscriber id. */
  sub: number;
  /** Purpose-specific id: the delivery for "view", the paper for "feedback". */
  ref?: number;
  /** The vote a "feedback" link casts. */
  vote?: Vote;
  /** Expiry, seconds since the epoch. */
  exp?: number;
  /** Issued at, milliseconds since the epoch: the link's version, against Subscriber.linksRevokedAt. */
  iat?: number;
}

export type TokenFailure = 'malformed' | 'bad_signature' | 'expired';

export class TokenError extends Error {
  constructor(readonly reason: TokenFailure) {
    super(`token ${reason.replace('_', ' ')}`);
    this.name = 'TokenError';
  }
}

const MAX_TOKEN_LENGTH = 512;

// Derived once per secret and purpose: a digest signs two feedback links per
// card for every reader, and the derivation would double that cost. Keyed
// by the secret, then the purpose: joining them into one key string per
// token cost more than the lookup saved.
const derivedKeys = new Map<string, Map<TokenPurpose, Buffer>>();

function keyFor(secret: string, purpose: TokenPurpose): Buffer {
  let keys = derivedKeys.get(secret);
  if (!keys) derivedKeys.set(secret, (keys = new Map<TokenPurpose, Buffer>()));
  let key = keys.get(purpose);
  if (!key) {
    key = createHmac('sha256', secret).update(`paperboy-token:${purpose}`).digest();
    keys.set(purpose, key);
  }
  return key;
}

function sign(secret: string, purpose: TokenPurpose, body: string): string {
  return createHmac('sha256', keyFor(secret, purpose)).update(body).digest('base64url');
}

export function createToken(
  secret: string,
  purpose: TokenPurpose,
  claims: { sub: number; ref?: number; vote?: Vote },
  now = Date.now(),
): string {
  const ttl = TOKEN_TTL[purpose];
  const payload: TokenClaims = { sub: claims.sub };
  if (claims.ref !== undefined) payload.ref = claims.ref;
  if (claims.vote !== undefined) payload.vote = claims.vote;
  if (ttl !== null) payload.exp = Math.floor(now / 1000) + ttl;
  payload.iat = Math.floor(now);
  const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
  return `${body}.${sign(secret, purpose, body)}`;
}

export function verifyToken(secret: string, purpose: TokenPurpose, token: string, now = Date.now()): TokenClaims {
  if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH) throw new TokenError('malformed');
  const parts = token.split('.');
  if (parts.length !== 2 || !parts[0] || !parts[1]) throw new TokenError('malformed');
  const [body, signature] = parts as [string, string];
  const expected = Buffer.from(sign(secret, purpose, body));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new TokenError('bad_signature');
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    throw new TokenError('malformed');
  }
  const c = claims as TokenClaims;
  if (!Number.isSafeInteger(c?.sub) || c.sub <= 0) throw new TokenError('malformed');
  if (c.ref !== undefined && !Number.isSafeInteger(c.ref)) throw new TokenError('malformed');
  if (c.iat !== undefined && !Number.isSafeInteger(c.iat)) throw new TokenError('malformed');
  if (c.vote !== undefined && c.vote !== 'up' && c.vote !== 'down') throw new TokenError('malformed');
  if (c.exp !== undefined && c.exp * 1000 < now) throw new TokenError('expired');
  return c;
}
