// How a console page is declared: method, path, the scope it needs, and a
// handler. mountConsole adds what every page shares: a session (else the
// sign-in page), the scope (else 403), the CSRF token on every POST (else
// 403, before the handler runs), and no caching of admin pages.
import type { Request, RequestHandler, Response, Router } from 'express';
import { allows, type Scope } from '../../admin/token-auth.js';
import type { ConsoleSession } from '../../admin/console-sessions.js';
import type { AppDeps } from '../app.js';
import { csrfMatches, readSession } from './session.js';
import { renderConsoleMessage } from './layout.js';

export interface ConsoleInput {
  req: Request;
  res: Response;
  session: ConsoleSession;
}

export interface ConsoleRoute {
  method: 'get' | 'post';
  path: string;
  scope: Scope;
  /** Parsers for this route's body (urlencoded forms by default). */
  body?: RequestHandler[];
  /** Sync or async: the result is awaited, a throw or rejection goes to the error handler. */
  handle(input: ConsoleInput): unknown;
}

/** Relative paths only: `next` must never send a signed-in admin to another site. */
export function safeNext(value: unknown): string {
  return typeof value === 'string' && /^\/admin(?:[/?#][^\s\\]*)?$/.test(value) && !value.startsWith('//') ? value : '/admin';
}

export function mountConsole(router: Router, deps: AppDeps, routes: ConsoleRoute[], defaultBody: RequestHandler[]): void {
  for (const route of routes) {
    const guard: RequestHandler = async (req, res, next) => {
      try {
        res.setHeader('Cache-Control', 'no-store');
        const session = await readSession(req, deps.db);
        if (!session) {
          if (route.method === 'get') return res.redirect(303, `/admin/sign-in?next=${encodeURIComponent(req.originalUrl)}`);
          return res.status(401).type('html').send(renderConsoleMessage(null, 401, 'Signed out', 'Your session has ended. Sign in again, then repeat the change.'));
        }
        if (!allows(session.scopes, route.scope)) {
          return res.status(403).type('html').send(renderConsoleMessage(session, 403, 'Not allowed', `This needs a token with the "${route.scope}" scope.`));
        }
        res.locals.consoleSession = session;
        next();
      } catch (error) {
        next(error);
      }
    };
    const handler: RequestHandler = async (req, res, next) => {
      const session = res.locals.consoleSession as ConsoleSession;
      try {
        if (route.method === 'post' && !csrfMatches(req, session)) {
          return res.status(403).type('html').send(renderConsoleMessage(session, 403, 'Form expired', 'The form did not carry this session\'s security token. Reload the page and try again.'));
        }
        await route.handle({ req, res, session });
      } catch (error) {
        next(error);
      }
    };
    router[route.method](route.path, guard, ...(route.method === 'post' ? (route.body ?? defaultBody) : []), handler);
  }
}
