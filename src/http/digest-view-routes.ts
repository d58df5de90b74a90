// GET /digests/:id?t=TOKEN: a delivery as its subscriber received it ("view
// in browser"). The token is the subscriber's 'view' token for exactly this
// delivery; anything else gets a clear 4xx page, never a 500.
import { Router } from 'express';
import { renderDeliveryView } from '../digest/digest-service.js';
import { TokenError, verifyToken } from '../subscriptions/tokens.js';
import type { AppDeps } from './app.js';
import { renderInvalidLink, renderMessagePage } from './pages/message-pages.js';
import { html } from './pages/html.js';
import { sendPage } from './pages/page-support.js';

// The email's own inline styles and remote images, and nothing else: no scripts, no forms.
const VIEW_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src https: data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

export function digestViewRoutes(deps: Pick<AppDeps, 'db' | 'config'>): Router {
  const router = Router();
  router.get('/digests/:id', async (req, res, next) => {
    try {
      const id = Number(req.params.id);
      const token = typeof req.query.t === 'string' ? req.query.t : '';
      if (!Number.isSafeInteger(id) || id <= 0 || !token) {
        sendPage(res, 400, renderInvalidLink('invalid'), { private: true });
        return;
      }
      let subscriberId: number;
      try {
        const claims = verifyToken(deps.config.secretKey, 'view', token);
        if (claims.ref !== id) throw new TokenError('bad_signature');
        subscriberId = claims.sub;
      } catch (error) {
        if (!(error instanceof TokenError)) throw error;
        sendPage(res, 400, renderInvalidLink('invalid'), { private: true });
        return;
      }
      const view = await renderDeliveryView(deps, id, subscriberId);
      if (!view) {
        const page = renderMessagePage({
          title: 'This digest is no longer available',
          heading: 'This digest is no longer available',
          tone: 'info',
          body: html`<p>It may have been removed with your subscription. <a href="/">Back to the start page</a></p>`,
        });
        sendPage(res, 404, page, { private: true });
        return;
      }
      res.set('Content-Security-Policy', VIEW_CSP);
      res.set('X-Robots-Tag', 'noindex');
      sendPage(res, 200, view.html, { private: true });
    } catch (error) {
      next(error);
    }
  });
  return router;
}
