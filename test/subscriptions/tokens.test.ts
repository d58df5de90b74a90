import { describe, expect, it } from 'vitest';
import { createToken, TokenError, verifyToken } from '../../src/subscriptions/tokens.js';

const SECRET = 'x'.repeat(40);

function failure(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (error) {
    return error instanceof TokenError ? error.reason : 'other';
  }
}

describe('link tokens', () => {
  it('round-trips the subscriber id and reference', () => {
    const token = createToken(SECRET, 'view', { sub: 42, ref: 7 });
    expect(verifyToken(SECRET, 'view', token)).toMatchObject({ sub: 42, ref: 7 });
  });

  it('rejects a token minted for another purpose', () => {
    const token = createToken(SECRET, 'manage', { sub: 42 });
    expect(failure(() => verifyToken(SECRET, 'unsubscribe', token))).toBe('bad_signature');
  });

  it('rejects a token signed with another secret', () => {
    const token = createToken('y'.repeat(40), 'unsubscribe', { sub: 42 });
    expect(failure(() => verifyToken(SECRET, 'unsubscribe', token))).toBe('bad_signature');
  });

  it('rejects a tampered payload', () => {
    const token = createToken(SECRET, 'unsubscribe', { sub: 42 });
    const [, sig] = token.split('.');
    const forged = `${Buffer.from(JSON.stringify({ sub: 43 })).toString('base64url')}.${sig}`;
    expect(failure(() => verifyToken(SECRET, 'unsubscribe', forged))).toBe('bad_signature');
  });

  it.each(['', 'abc', 'a.b.c', '.', `${'a'.repeat(600)}.b`, 'bad.%%%'])('rejects malformed input %j', (token) => {
    expect(failure(() => verifyToken(SECRET, 'unsubscribe', token))).toMatch(/malformed|bad_signature/);
  });

  it('expires confirm tokens after seven days but never unsubscribe tokens', () => {
    const issued = Date.UTC(2026, 0, 1);
    const later = issued + 8 * 24 * 3600 * 1000;
    const confirm = createToken(SECRET, 'confirm', { sub: 1 }, issued);
    const unsubscribe = createToken(SECRET, 'unsubscribe', { sub: 1 }, issued);
    expect(verifyToken(SECRET, 'confirm', confirm, issued + 6 * 24 * 3600 * 1000).sub).toBe(1);
    expect(failure(() => verifyToken(SECRET, 'confirm', confirm, later))).toBe('expired');
    expect(verifyToken(SECRET, 'unsubscribe', unsubscribe, later + 10 * 365 * 24 * 3600 * 1000).sub).toBe(1);
  });
});
