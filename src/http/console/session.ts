// The console's sign-in state: a session cookie (HttpOnly, SameSite=Strict,
// Secure on https, scoped to /admin) naming a row in Postgres, and the
// session's CSRF token, which every console form and script request carries.
import { timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'express';
import { findConsoleSession, type ConsoleSession } from '../../admin/console-sessions.js';
import type { Config } from '../../config.js';
import type { Db } from '../../db.js';
import { readCookie } from '../csrf.js';

export const SESSION_COOKIE = 'pb_console';
export const CONSOLE_PATH = '/admin';
export const CSRF_HEADER = 'x-csrf-token';

/** Secure whenever the site is served over https (directly or behind a proxy that says so). */
export function isSecure(req: Request, config: Pick<Config, 'publicUrl'>): boolean {
  return req.secure || config.publicUrl.startsWith('https:');
}

export function setSessionCookie(
  req: Request,
  res: Response,
  config: Pick<Config, 'publicUrl'>,
  secret: string,
  expiresAt: Date,
): void {
  res.cookie(SESSION_COOKIE, secret, {
    httpOnly: true,
    sameSite: 'strict',
    secure: isSecure(req, config),
    path: CONSOLE_PATH,
    expires: expiresAt,
  });
}

export function clearSessionCookie(req: Request, res: Response, config: Pick<Config, 'publicUrl'>): void {
  res.clearCookie(SESSION_COOKIE, {
    httpOnly: true,
    sameSite: 'strict',
    secure: isSecure(req, config),
    path: CONSOLE_PATH,
  });
}

export function sessionSecret(req: Request): string | undefined {
  return readCookie(req, SESSION_COOKIE);
}

/** The session this request carries, or null. */
export async function readSession(req: Request, db: Db): Promise<ConsoleSession | null> {
  const secret = sessionSecret(req);
  return secret ? findConsoleSession(db, secret) : null;
}

/** The form field or, for scripts, the header must equal the session's token. */
export function csrfMatches(req: Request, session: ConsoleSession): boolean {
  const field = (req.body as Record<string, unknown> | undefined)?._csrf;
  const given = typeof field === 'string' ? field : req.get(CSRF_HEADER);
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(session.csrfToken);
  return a.length === b.length && timingSafeEqual(a, b);
}
