// The pages behind the links in emails: confirm, preferences, unsubscribe.
// Every token is checked for signature, purpose and the subscriber's link
// version first; a bad one gets a 4xx page. Only POSTs change anything: a GET
// of a confirm or unsubscribe link shows one button.
import type { IRouter, Request, Response } from 'express';
import { confirmSubscription, renewConfirmation } from '../../subscriptions/confirm.js';
import { subscriberLinks } from '../../subscriptions/links.js';
import { loadPreferences, updatePreferences } from '../../subscriptions/preferences.js';
import { readLinkToken, revokeLinks, type LinkRead } from '../../subscriptions/link-version.js';
import { requestResubscribe } from '../../subscriptions/resubscribe.js';
import { describeSchedule } from '../../subscriptions/schedule-text.js';
import { preferencesFormSchema } from '../../subscriptions/subscriber-input.js';
import { postedInterestValues } from './interest-fields.js';
import { findSubscriptions } from '../../subscriptions/subscriber-repo.js';
import { createToken } from '../../subscriptions/tokens.js';
import { unsubscribe } from '../../subscriptions/unsubscribe.js';
import { AppError, ERROR_CODES } from '../errors.js';
import { issueCsrfToken, verifyCsrfToken } from '../csrf.js';
import { fieldErrors, isInputError } from './form-errors.js';
import {
  renderCheckInbox,
  renderConfirmPrompt,
  renderConfirmed,
  renderInvalidLink,
  renderLinksRevoked,
  type LinkProblem,
} from './message-pages.js';
import { parseForm, parseOneClick, requestEvidence, sendPage } from './page-support.js';
import { renderPreferencesPage, type PreferencesPageData } from './preferences-page.js';
import type { PageDeps } from './signup-routes.js';
import { renderUnsubscribeConfirm, renderUnsubscribed } from './unsubscribe-page.js';

const PROBLEM_STATUS: Record<LinkProblem, number> = {
  invalid: 400,
  expired: 410,
  superseded: 410,
  revoked: 410,
  not_found: 404,
};

export function invalidLink(res: Response, problem: LinkProblem, renew?: { action: string; csrfToken: string }) {
  sendPage(res, PROBLEM_STATUS[problem], renderInvalidLink(problem, renew), { private: true });
}

function tokenParam(req: Request): string {
  return String(req.params.token ?? '');
}

/**
 * RFC 8058: the body List-Unsubscribe=One-Click, as a form field, a multipart
 * part or plain text. One pass over the lines, no backtracking regex: the
 * cost stays linear in the (capped) body whatever it holds.
 */
export function isOneClick(body: unknown): boolean {
  if (Buffer.isBuffer(body)) body = body.toString('utf8');
  if (typeof body !== 'string')
    return (body as Record<string, unknown> | undefined)?.['List-Unsubscribe'] === 'One-Click';
  if (body.trim() === 'List-Unsubscribe=One-Click') return true;
  // multipart: the List-Unsubscribe part's headers, a blank line, then its value.
  let state: 'seek' | 'headers' | 'value' = 'seek';
  for (const raw of body.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (state === 'value') return line === 'One-Click';
    if (state === 'headers') state = line === '' ? 'value' : 'headers';
    else if (/^content-disposition:.*\bname="?list-unsubscribe"?(?:;|\s|$)/i.test(line)) state = 'headers';
  }
  return false;
}

export function linkRoutes(router: IRouter, deps: PageDeps): void {
  const secret = deps.config.secretKey;
  const csrf = (req: Request, res: Response) =>
    issueCsrfToken(req, res, { secret, secure: deps.config.publicUrl.startsWith('https:') });
  const requireCsrf = (req: Request) => {
    if (!verifyCsrfToken(req, secret))
      throw new AppError(ERROR_CODES.forbidden, 403, 'The form is missing its security token');
  };

  const linkProblem = (failure: Exclude<LinkRead, { ok: true }>['failure'] | LinkProblem): LinkProblem =>
    failure === 'malformed' || failure === 'bad_signature' ? 'invalid' : failure;
  const read = (purpose: 'manage' | 'unsubscribe', req: Request) =>
    readLinkToken(deps.db, secret, purpose, tokenParam(req));

  router.get('/confirm/:token', async (req, res) => {
    const token = tokenParam(req);
    const checked = await readLinkToken(deps.db, secret, 'confirm', token);
    if (!checked.ok) {
      if (checked.failure === 'expired')
        return invalidLink(res, 'expired', { action: `/confirm/${token}/renew`, csrfToken: csrf(req, res) });
      return invalidLink(res, linkProblem(checked.failure));
    }
    sendPage(res, 200, renderConfirmPrompt({ action: `/confirm/${token}` }), { private: true });
  });

  router.post('/confirm/:token', async (req, res) => {
    const token = tokenParam(req);
    const result = await confirmSubscription(deps, token, requestEvidence(req));
    if (result.kind === 'invalid_link') {
      if (result.reason === 'expired')
        return invalidLink(res, 'expired', { action: `/confirm/${token}/renew`, csrfToken: csrf(req, res) });
      return invalidLink(res, linkProblem(result.reason));
    }
    const subscriber = await deps.db.subscriber.findUniqueOrThrow({ where: { id: result.subscriberId } });
    const lists = (await findSubscriptions(deps.db, result.subscriberId))
      .filter((s) => s.confirmedAt)
      .map((s) => s.list.name);
    const page = renderConfirmed({
      kind: result.kind,
      lists,
      schedule: describeSchedule(subscriber),
      preferencesUrl: subscriberLinks(deps.config, result.subscriberId).preferences,
    });
    sendPage(res, 200, page, { private: true });
  });

  router.post('/confirm/:token/renew', parseForm, async (req, res) => {
    requireCsrf(req);
    await renewConfirmation(deps, tokenParam(req));
    sendPage(res, 200, renderCheckInbox(), { private: true });
  });

  async function preferencesPage(
    req: Request,
    res: Response,
    extra: Partial<PreferencesPageData> & { status?: number } = {},
  ) {
    const token = tokenParam(req);
    const manage = await read('manage', req);
    if (!manage.ok) return invalidLink(res, linkProblem(manage.failure));
    const view = await loadPreferences(deps, manage.claims.sub);
    if (!view) return invalidLink(res, 'not_found');
    const page = renderPreferencesPage({
      view,
      action: `/preferences/${token}`,
      unsubscribeAction: `/unsubscribe/${createToken(secret, 'unsubscribe', { sub: view.subscriberId })}`,
      csrfToken: csrf(req, res),
      ...extra,
    });
    sendPage(res, extra.status ?? 200, page, { private: true });
  }

  router.get('/preferences/:token', (req, res) => preferencesPage(req, res));

  router.post('/preferences/:token', parseForm, async (req, res) => {
    requireCsrf(req);
    const manage = await read('manage', req);
    if (!manage.ok) return invalidLink(res, linkProblem(manage.failure));
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (body.action === 'resubscribe') {
      const outcome = await requestResubscribe(deps, manage.claims.sub);
      if (outcome.kind === 'not_found') return invalidLink(res, 'not_found');
      const sentAt = outcome.kind === 'recently_sent' ? outcome.sentAt : undefined;
      return sendPage(res, 200, renderCheckInbox({ sentAt }), { private: true });
    }
    if (body.action === 'revoke_links') {
      await revokeLinks(deps.db, manage.claims.sub);
      return sendPage(res, 200, renderLinksRevoked(), { private: true });
    }
    const parsed = preferencesFormSchema.safeParse(body);
    try {
      if (!parsed.success) throw parsed.error;
      const found = await updatePreferences(deps, manage.claims.sub, parsed.data, requestEvidence(req));
      if (!found) return invalidLink(res, 'not_found');
      return preferencesPage(req, res, { saved: true });
    } catch (error) {
      if (!isInputError(error)) throw error;
      const lists = Array.isArray(body.lists) ? body.lists : body.lists === undefined ? [] : [body.lists];
      const text = (v: unknown) => (typeof v === 'string' ? v.slice(0, 300) : undefined);
      return preferencesPage(req, res, {
        status: 400,
        errors: fieldErrors(error),
        values: {
          lists: lists.filter((v): v is string => typeof v === 'string'),
          frequency: text(body.frequency),
          weekday: text(body.weekday),
          sendHour: text(body.sendHour),
          timezone: text(body.timezone),
          interests: postedInterestValues(body),
        },
      });
    }
  });

  router.get('/unsubscribe/:token', async (req, res) => {
    const token = tokenParam(req);
    const link = await read('unsubscribe', req);
    if (!link.ok) return invalidLink(res, linkProblem(link.failure));
    const subscriber = await deps.db.subscriber.findUnique({
      where: { id: link.claims.sub },
      select: { status: true, email: true },
    });
    if (!subscriber?.email) return invalidLink(res, 'not_found');
    const preferencesUrl = subscriberLinks(deps.config, link.claims.sub).preferences;
    if (subscriber.status !== 'active' && subscriber.status !== 'pending') {
      return sendPage(res, 200, renderUnsubscribed({ preferencesUrl }), { private: true });
    }
    sendPage(
      res,
      200,
      renderUnsubscribeConfirm({ action: `/unsubscribe/${token}`, csrfToken: csrf(req, res), preferencesUrl }),
      { private: true },
    );
  });

  router.post('/unsubscribe/:token', ...parseOneClick, async (req, res) => {
    const link = await read('unsubscribe', req);
    if (!link.ok) return invalidLink(res, linkProblem(link.failure));
    const oneClick = isOneClick(req.body);
    // The one-click POST comes from a mail provider with no cookie; the signed
    // token is its proof. The page's button carries the CSRF token.
    if (!oneClick) requireCsrf(req);
    const outcome = await unsubscribe(deps, link.claims.sub, {
      ...requestEvidence(req),
      via: oneClick ? 'one-click' : 'page',
    });
    if (outcome === 'not_found') return invalidLink(res, 'not_found');
    sendPage(
      res,
      200,
      renderUnsubscribed({ preferencesUrl: subscriberLinks(deps.config, link.claims.sub).preferences }),
      { private: true },
    );
  });
}
