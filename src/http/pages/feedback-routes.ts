// The links on every digest card. GET shows one button and records nothing;
// POST, with or without a body, records the vote. No CSRF cookie: like the
// one-click unsubscribe, the signed link is the proof, and the worst a
// forged request can do is cast the vote the link already names.
import type { IRouter, Request } from 'express';
import { findFeedbackTarget, readFeedbackLink, recordRating } from '../../digest/feedback.js';
import { subscriberLinks } from '../../subscriptions/links.js';
import { createToken } from '../../subscriptions/tokens.js';
import { renderFeedbackConfirm, renderFeedbackRecorded } from './feedback-page.js';
import { invalidLink } from './link-routes.js';
import { sendPage } from './page-support.js';
import type { PageDeps } from './signup-routes.js';

/** A signed-out link says so; an erased reader's is gone; anything else is just not a working link. */
const linkFailure = (failure: string) => (failure === 'revoked' || failure === 'not_found' ? failure : 'invalid');

export function feedbackRoutes(router: IRouter, deps: PageDeps): void {
  const secret = deps.config.secretKey;
  const tokenParam = (req: Request) => String(req.params.token ?? '');

  router.get('/feedback/:token', async (req, res) => {
    const token = tokenParam(req);
    const read = await readFeedbackLink(deps.db, secret, token);
    if (!read.ok) return invalidLink(res, linkFailure(read.failure));
    const target = await findFeedbackTarget(deps.db, read.link);
    if (!target) return invalidLink(res, 'not_found');
    sendPage(
      res,
      200,
      renderFeedbackConfirm({ vote: read.link.vote, paperTitle: target.title, action: `/feedback/${token}` }),
      { private: true },
    );
  });

  router.post('/feedback/:token', async (req, res) => {
    const read = await readFeedbackLink(deps.db, secret, tokenParam(req));
    if (!read.ok) return invalidLink(res, linkFailure(read.failure));
    const { link } = read;
    const target = await findFeedbackTarget(deps.db, link);
    if (!target || !(await recordRating(deps, link))) return invalidLink(res, 'not_found');
    const opposite = createToken(secret, 'feedback', {
      sub: link.subscriberId,
      ref: link.paperId,
      vote: link.vote === 'up' ? 'down' : 'up',
    });
    const page = renderFeedbackRecorded({
      vote: link.vote,
      paperTitle: target.title,
      undoAction: `/feedback/${opposite}`,
      preferencesUrl: subscriberLinks(deps.config, link.subscriberId).preferences,
    });
    sendPage(res, 200, page, { private: true });
  });
}
