// The queue dashboard at /admin/queues (src/jobs builds it), behind the
// admin tokens. A browser signed in to the console (/admin) gets in with its
// session; scripts send a bearer token, and the token may also come as the
// password of HTTP Basic auth.
import { Router, type RequestHandler } from 'express';
import { mayAccess } from '../../admin/admin-tokens.js';
import type { AppDeps } from '../app.js';
import { readSession } from '../console/session.js';
import { adminAuth, requireAccess, type AdminPrincipal } from './auth.js';

export const QUEUE_DASHBOARD_PATH = '/admin/queues';

// The dashboard's page uses inline styles; scripts stay 'self' only. Its
// Google Fonts stylesheet is left blocked on purpose (no third-party request
// from an admin page): the UI falls back to system fonts.
const DASHBOARD_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');

export function queueDashboard(deps: AppDeps): Router {
  const router = Router();
  const tokenAuth = adminAuth(deps, { allowBasic: true });
  // Retrying a failed send is digest work: whoever may write digests.
  const digestsScope = requireAccess('write', 'digests');
  // A console session first, so a signed-in admin never sees a Basic-auth prompt.
  const sessionOrToken: RequestHandler = async (req, res, next) => {
    try {
      const session = req.headers.authorization ? null : await readSession(req, deps.db);
      if (!session || !mayAccess(session.scopes, 'write', 'digests'))
        return tokenAuth(req, res, (error?: unknown) => (error ? next(error) : digestsScope(req, res, next)));
      res.locals.admin = {
        tokenId: session.tokenId,
        name: session.name,
        scopes: session.scopes,
      } satisfies AdminPrincipal;
      next();
    } catch (error) {
      next(error);
    }
  };
  router.use(sessionOrToken, (_req, res, next) => {
    res.setHeader('Content-Security-Policy', DASHBOARD_CSP);
    res.setHeader('Cache-Control', 'no-store');
    next();
  });
  router.use(deps.queueBoard(QUEUE_DASHBOARD_PATH));
  return router;
}
