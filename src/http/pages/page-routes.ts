// The public, server-rendered side of Paperboy: static assets, the landing
// page and sign-up, the pages behind email links, and the public archive
// with its feeds. Their errors become HTML pages (JSON for JSON clients of
// POST /subscribe) in the app's error handler. Registered on the app
// itself, not a nested router: every router a request passes through costs
// it CPU, and these are where the traffic is.
import type { IRouter } from 'express';
import { archiveRoutes } from './archive-routes.js';
import { feedbackRoutes } from './feedback-routes.js';
import { linkRoutes } from './link-routes.js';
import { signupRoutes, type PageDeps } from './signup-routes.js';
import { STATIC_PREFIX, staticAssets } from './static-assets.js';

export function pageRoutes(router: IRouter, deps: PageDeps): void {
  router.use(STATIC_PREFIX, staticAssets());
  signupRoutes(router, deps);
  linkRoutes(router, deps);
  feedbackRoutes(router, deps);
  archiveRoutes(router, deps);
}
