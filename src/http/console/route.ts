// How a console page is declared: method, path, the area it reads or
// changes, and a handler. mountConsole adds what every page shares: a
// session (else the sign-in page), the scope the admin API would ask for the
// same access (scopeFor; else 403), the CSRF token on every POST (else 403,
// before the handler runs), and no caching of admin pages.
import type { Request, RequestHandler, Response, Router } from 'express';
import { hasScope, scopeFor, type Access, type AdminArea, type Scope } from '../../admin/admin-tokens.js';
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
  /** The API's area (its tag) that the page reads or changes. */
  area: AdminArea;
  /**
   * By default GET reads and POST writes. A GET that shows a form for a
   * change writes; a POST that saves nothing reads; a form whose buttons
   * either save or only preview says which from its parsed body.
   */
  access?: Access | ((req: Request) => Access);
  /** Parsers for this route's body (urlencoded forms by default). */
  body?: RequestHandler[];
  /** Sync or async: the result is awaited, a throw or rejection goes to the error handler. */
  handle(input: ConsoleInput): unknown;
}

/** Relative paths only: `next` must never send a signed-in admin to another site. */
export function safeNext(value: unknown): string {
  return typeof value === 'string' && /^\/admin(?:[/?#][^\s\\]*)?$/.test(value) && !value.startsWith('//')
    ? value
    : '/admin';
}

function scopeNeeded(route: ConsoleRoute, access: Access): Scope {
  const scope = scopeFor(access, route.area);
  if (!scope) throw new Error(`console route ${route.method} ${route.path}: nothing may ${access} ${route.area}`);
  return scope;
}

/** Refuses, with the page, a session that lacks the scope; true when it was refused. */
function refused(res: Response, session: ConsoleSession, scope: Scope): boolean {
  if (hasScope(session.scopes, scope)) return false;
  res
    .status(403)
    .type('html')
    .send(renderConsoleMessage(session, 403, 'Not allowed', `This needs a token with the "${scope}" scope.`));
  return true;
}

export function mountConsole(
  router: Router,
  deps: AppDeps,
  routes: ConsoleRoute[],
  defaultBody: RequestHandler[],
): void {
  for (const route of routes) {
    const { access = route.method === 'get' ? 'read' : 'write' } = route;
    // Known before the body is read, so a refused upload is never parsed; a per-form access waits for the form.
    const fixed = typeof access === 'function' ? null : scopeNeeded(route, access);
    const guard: RequestHandler = async (req, res, next) => {
      try {
        res.setHeader('Cache-Control', 'no-store');
        const session = await readSession(req, deps.db);
        if (!session) {
          if (route.method === 'get')
            return res.redirect(303, `/admin/sign-in?next=${encodeURIComponent(req.originalUrl)}`);
          return res
            .status(401)
            .type('html')
            .send(
              renderConsoleMessage(
                null,
                401,
                'Signed out',
                'Your session has ended. Sign in again, then repeat the change.',
              ),
            );
        }
        if (fixed && refused(res, session, fixed)) return;
        res.locals.consoleSession = session;
        next();
      } catch (error) {
        next(error);
      }
    };
    const handler: RequestHandler = async (req, res, next) => {
      const session = res.locals.consoleSession as ConsoleSession;
      try {
        if (typeof access === 'function' && refused(res, session, scopeNeeded(route, access(req)))) return;
        if (route.method === 'post' && !csrfMatches(req, session)) {
          return res
            .status(403)
            .type('html')
            .send(
              renderConsoleMessage(
                session,
                403,
                'Form expired',
                "The form did not carry this session's security token. Reload the page and try again.",
              ),
            );
        }
        await route.handle({ req, res, session });
      } catch (error) {
        next(error);
      }
    };
    router[route.method](route.path, guard, ...(route.method === 'post' ? (route.body ?? defaultBody) : []), handler);
  }
}
