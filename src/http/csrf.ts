// CSRF protection for the HTML forms: a signed double submit. The browser
// holds a random value in a cookie; each form carries HMAC(SECRET_KEY,
// value). Another site can make the browser send the cookie but can read
// neither it nor the page, so it cannot produce the matching form field.
// The RFC 8058 one-click POST does not use this (mail providers send no
// cookie); its unguessable unsubscribe token is the proof instead.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'express';

export const CSRF_COOKIE = 'pb_csrf';
export const CSRF_FIELD = '_csrf';

const COOKIE_VALUE = /^[A-Za-z0-9_-]{43}$/;

export function readCookie(req: Request, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

function sign(secret: string, value: string): string {
  return createHmac('sha256', secret).update(`paperboy-csrf:${value}`).digest('base64url');
}

/** The form token for this browser, setting its cookie on first use. */
export function issueCsrfToken(req: Request, res: Response, options: { secret: string; secure: boolean }): string {
  let value = readCookie(req, CSRF_COOKIE);
  if (!value || !COOKIE_VALUE.test(value)) {
    value = randomBytes(32).toString('base64url');
    res.cookie(CSRF_COOKIE, value, { httpOnly: true, sameSite: 'lax', secure: options.secure, path: '/' });
  }
  return sign(options.secret, value);
}

export function verifyCsrfToken(req: Request, secret: string): boolean {
  const value = readCookie(req, CSRF_COOKIE);
  const given = (req.body as Record<string, unknown> | undefined)?.[CSRF_FIELD];
  if (!value || !COOKIE_VALUE.test(value) || typeof given !== 'string') return false;
  const expected = Buffer.from(sign(secret, value));
  const actual = Buffer.from(given);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
