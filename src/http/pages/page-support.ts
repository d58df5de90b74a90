// Plumbing shared by the public page routes: body parsers with the 16 KB
// cap, "does this client want JSON", consent evidence from the request, and
// the error handler that answers HTML pages instead of JSON.
import express, { type ErrorRequestHandler, type Request, type Response } from 'express';
import type { Logger } from '../../logger.js';
import { toAppError } from '../errors.js';
import { renderErrorPage } from './message-pages.js';

export const PUBLIC_BODY_LIMIT = '16kb';

/** Form and JSON bodies for the public routes; anything larger is a 413. */
export const parseForm = express.urlencoded({ extended: false, limit: PUBLIC_BODY_LIMIT, parameterLimit: 200 });
export const parseJson = express.json({ limit: PUBLIC_BODY_LIMIT });
/** An RFC 8058 body is 26 bytes, the page's button a CSRF token: nothing larger reaches the parser. */
export const ONE_CLICK_BODY_LIMIT = '1kb';
/** The unsubscribe POST: the page's form, or a one-click body as a form, multipart or plain text; all capped. */
export const parseOneClick = [
  express.urlencoded({ extended: false, limit: ONE_CLICK_BODY_LIMIT, parameterLimit: 10 }),
  express.raw({ type: 'multipart/form-data', limit: ONE_CLICK_BODY_LIMIT }),
  express.text({ type: 'text/plain', limit: ONE_CLICK_BODY_LIMIT }),
];

/** JSON clients get JSON errors; browsers get pages. */
export function wantsJson(req: Request): boolean {
  if (req.is('application/json')) return true;
  return req.accepts(['html', 'json']) === 'json';
}

export function requestEvidence(req: Request): { ip: string | null; userAgent: string | null } {
  return { ip: req.ip ?? null, userAgent: req.get('user-agent') ?? null };
}

/** Pages reached through personal links: never cached, never indexed. */
export function sendPage(res: Response, status: number, page: string, options: { private?: boolean } = {}): void {
  if (options.private) res.set('Cache-Control', 'no-store');
  res.status(status).type('html').send(page);
}

function friendlyMessage(status: number, message: string): string {
  if (status === 413) return 'The form sent more text than we accept. Please shorten it and try again.';
  if (status === 403) return 'For your security, forms expire. Please go back, reload the page and try again.';
  if (status >= 500) return 'Please try again in a minute. If it keeps happening, let the site owner know.';
  return message;
}

/** Mounted after the page routes: HTML error pages, JSON for JSON clients. */
export function pageErrorHandler(logger: Logger): ErrorRequestHandler {
  return (error, req, res, next) => {
    if (res.headersSent) return next(error);
    if (wantsJson(req)) return next(error);
    const appError = toAppError(error);
    if (appError.status >= 500) logger.error({ event: 'page_error', err: error }, 'page request failed');
    sendPage(
      res,
      appError.status,
      renderErrorPage(appError.status, friendlyMessage(appError.status, appError.message)),
      { private: true },
    );
  };
}
