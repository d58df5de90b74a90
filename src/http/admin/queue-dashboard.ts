// The BullMQ dashboard at /admin/queues, behind the admin tokens. A browser
// signed in to the console (/admin) gets in with its session; scripts send a
// bearer token, and the token may also come as the password of HTTP Basic
// auth.
import { Router, type RequestHandler } from 'express';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
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
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(QUEUE_DASHBOARD_PATH);
  createBullBoard({
    // Read-only but for retrying failed jobs: adding or editing a job from a
    // browser could, for one, point the ingest job at any file on a worker.
    queues: Object.values(deps.queues).map((queue) => new BullMQAdapter(queue, { readOnlyMode: true, allowRetries: true })),
    // @bull-board/express pins its own copy of @bull-board/api one patch
    // release apart: the same interface under two type identities.
    serverAdapter: serverAdapter as unknown as Parameters<typeof createBullBoard>[0]['serverAdapter'],
    options: { uiConfig: { boardTitle: 'Paperboy queues' } },
  });
  const router = Router();
  const tokenAuth = adminAuth(deps, { allowBasic: true });
  // Retrying a failed send is digest work: whoever may write digests.
  const digestsScope = requireAccess('write', 'digests');
  // A console session first, so a signed-in admin never sees a Basic-auth prompt.
  const sessionOrToken: RequestHandler = async (req, res, next) => {
    try {
      const session = req.headers.authorization ? null : await readSession(req, deps.db);
      if (!session || !mayAccess(session.scopes, 'write', 'digests')) return tokenAuth(req, res, (error?: unknown) => (error ? next(error) : digestsScope(req, res, next)));
      res.locals.admin = { tokenId: session.tokenId, name: session.name, scopes: session.scopes } satisfies AdminPrincipal;
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
  router.use(serverAdapter.getRouter() as Router);
  return router;
}
