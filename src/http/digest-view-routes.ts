// GET /digests/:id?t=TOKEN: a delivery as its subscriber received it ("view
// in browser"). The token is the subscriber's 'view' token for exactly this
// delivery; anything else gets a clear 4xx page, never a 500.
import type { IRouter, Response } from 'express';
import { loadDeliveryView } from '../digest/digest-service.js';
import { readLinkToken } from '../subscriptions/link-version.js';
import type { AppDeps } from './app.js';
import { renderDigestPage } from './pages/digest-page.js';
import { html } from './pages/html.js';
import { renderMessagePage } from './pages/message-pages.js';

/** What went wrong and a way back, in the site's frame. */
function messagePage(title: string, text: string): string {
  return renderMessagePage({
    title,
    heading: title,
    tone: 'error',
    body: html`<p>${text}</p><p><a href="/">Back to the start page</a></p>`,
  });
}

const INVALID = messagePage(
  'This link does not work',
  'The link may have been cut short or changed on the way. Open it again from the email, whole.',
);
const GONE = messagePage('This digest is no longer available', 'It may have been removed with your subscription.');

function sendPage(res: Response, status: number, page: string): void {
  res.set('Cache-Control', 'no-store');
  res.set('X-Robots-Tag', 'noindex');
  res.status(status).type('html').send(page);
}

export function digestViewRoutes(router: IRouter, deps: Pick<AppDeps, 'db' | 'config'>): void {
  router.get('/digests/:id', async (req, res, next) => {
    try {
      const id = Number(req.params.id);
      const token = typeof req.query.t === 'string' ? req.query.t : '';
      if (!Number.isSafeInteger(id) || id <= 0 || !token) {
        sendPage(res, 400, INVALID);
        return;
      }
      const read = await readLinkToken(deps.db, deps.config.secretKey, 'view', token);
      // A signed-out or erased reader's link is gone, like a deleted delivery.
      const gone = !read.ok && (read.failure === 'revoked' || read.failure === 'not_found');
      if (gone) return sendPage(res, 404, GONE);
      if (!read.ok || read.claims.ref !== id) return sendPage(res, 400, INVALID);
      const view = await loadDeliveryView(deps, id, read.claims.sub);
      if (!view) {
        sendPage(res, 404, GONE);
        return;
      }
      sendPage(res, 200, renderDigestPage(view));
    } catch (error) {
      next(error);
    }
  });
}
