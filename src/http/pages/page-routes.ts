// The public, server-rendered side of Paperboy: static assets, the landing
// page and sign-up, and the pages behind email links. Errors inside these
// routes become HTML pages (JSON for JSON clients of POST /subscribe).
import { Router } from 'express';
import { linkRoutes } from './link-routes.js';
import { pageErrorHandler } from './page-support.js';
import { signupRoutes, type PageDeps } from './signup-routes.js';
import { STATIC_PREFIX, staticAssets } from './static-assets.js';

export function pageRoutes(deps: PageDeps): Router {
  const router = Router();
  router.use(STATIC_PREFIX, staticAssets());
  router.use(signupRoutes(deps));
  router.use(linkRoutes(deps));
  router.use(pageErrorHandler(deps.logger));
  return router;
}
