// The admin console under /admin: server-rendered pages over the same domain
// functions as the JSON API (never the API over HTTP). Each page file
// declares its routes with the scope they need; mountConsole adds the
// session, scope and CSRF checks. The queue dashboard (/admin/queues) is
// mounted before this router and accepts the same session.
import express, { Router, type ErrorRequestHandler } from 'express';
import { logErrorsEvery } from '../../logger.js';
import type { AppDeps } from '../app.js';
import { toAppError } from '../errors.js';
import { apiDocsAssets, apiDocsPage, API_DOCS_ASSETS } from './api-docs-page.js';
import { dashboardPage } from './dashboard-page.js';
import { digestToolsPage } from './digest-tools-page.js';
import { digestsPage } from './digests-page.js';
import { importPageRoutes } from './import-page.js';
import { renderConsoleMessage } from './layout.js';
import { listsPage } from './lists-page.js';
import { papersPage } from './papers-page.js';
import { mountConsole } from './route.js';
import { readSession } from './session.js';
import { signInRoutes } from './sign-in-page.js';
import { subscriberPage } from './subscriber-page.js';
import { subscribersPage } from './subscribers-page.js';
import { tokensPage } from './tokens-page.js';

export const CONSOLE_FORM_LIMIT = '1mb';

export function consoleRouter(deps: AppDeps): Router {
  const router = Router();
  const parseForm = express.urlencoded({ extended: false, limit: CONSOLE_FORM_LIMIT, parameterLimit: 500 });
  router.use(API_DOCS_ASSETS, apiDocsAssets());
  signInRoutes(router, deps, parseForm);
  // Fixed paths before :id paths.
  const routes = [
    ...dashboardPage(deps),
    ...listsPage(deps),
    ...importPageRoutes(deps),
    ...subscribersPage(deps),
    ...subscriberPage(deps),
    ...digestToolsPage(deps),
    ...digestsPage(deps),
    ...papersPage(deps),
    ...tokensPage(deps),
    ...apiDocsPage(deps),
  ];
  mountConsole(router, deps, routes, [parseForm]);

  // Error and not-found pages still render when the session cannot be read
  // (Postgres down), just without the signed-in navigation.
  const sessionFailed = logErrorsEvery(deps.logger, 'console_session_failed');
  const withSession = async (req: express.Request) =>
    readSession(req, deps.db).catch((error: unknown) => {
      sessionFailed(error);
      return null;
    });
  router.use(async (req, res) => {
    res
      .status(404)
      .type('html')
      .send(
        renderConsoleMessage(await withSession(req), 404, 'Not found', 'There is no console page at this address.'),
      );
  });
  // Console pages answer errors with pages, never the API's JSON.
  router.use((async (error, req, res, next) => {
    if (res.headersSent) return next(error);
    const appError = toAppError(error);
    if (appError.status >= 500) deps.logger.error({ event: 'console_error', err: error }, 'console request failed');
    const message =
      appError.status >= 500
        ? 'Something went wrong. Try again in a minute; the server log has the details.'
        : appError.message;
    res
      .status(appError.status)
      .type('html')
      .send(
        renderConsoleMessage(
          await withSession(req),
          appError.status,
          appError.status >= 500 ? 'Server error' : 'Request refused',
          message,
        ),
      );
  }) as ErrorRequestHandler);
  return router;
}
