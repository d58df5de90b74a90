// GET / and POST /subscribe. The answer to a sign-up is the same for every
// address state; only invalid input (400), a stale form (403) and too many
// attempts (429) answer differently, and none of those depends on the address.
import type { IRouter, Request, Response } from 'express';
import { subscribe, type SignupDeps } from '../../subscriptions/subscribe.js';
import { AppError, ERROR_CODES } from '../errors.js';
import { issueCsrfToken, verifyCsrfToken } from '../csrf.js';
import { fieldErrors, isInputError, summariseErrors, type FieldErrors } from './form-errors.js';
import { FIELD_LABELS } from './form-fields.js';
import { postedInterestValues } from './interest-fields.js';
import { findLandingData } from './landing-data.js';
import { renderLandingPage, type SignupFormValues } from './landing-page.js';
import { renderCheckInbox, renderErrorPage } from './message-pages.js';
import { parseForm, parseJson, requestEvidence, sendPage, wantsJson } from './page-support.js';

export const CHECK_INBOX_MESSAGE =
  'Check your inbox: if the address can receive our emails, a confirmation link is on its way.';

export type PageDeps = SignupDeps;

// The JSON answer to a sign-up never changes: serialised once, and sent
// without res.json's per-call stringify and ETag hash (no cache keeps a 202).
const ACCEPTED_BODY = Buffer.from(JSON.stringify({ status: 'ok', message: CHECK_INBOX_MESSAGE }));

function sendAccepted(res: Response): void {
  res.status(202).set('Content-Type', 'application/json; charset=utf-8').end(ACCEPTED_BODY);
}

function csrfOptions(deps: PageDeps) {
  return { secret: deps.config.secretKey, secure: deps.config.publicUrl.startsWith('https:') };
}

/** What the reader typed, kept as strings for the re-rendered form (escaped on output). */
function formValues(body: unknown): SignupFormValues {
  const b = (body ?? {}) as Record<string, unknown>;
  const text = (value: unknown) => (typeof value === 'string' ? value.slice(0, 300) : undefined);
  const lists = Array.isArray(b.lists) ? b.lists : b.lists === undefined ? [] : [b.lists];
  return {
    email: text(b.email),
    lists: lists.filter((v): v is string => typeof v === 'string'),
    frequency: text(b.frequency),
    weekday: text(b.weekday),
    sendHour: text(b.sendHour),
    timezone: text(b.timezone),
    interests: postedInterestValues(b),
  };
}

async function renderLanding(
  deps: PageDeps,
  req: Request,
  res: Response,
  status: number,
  form?: { values: SignupFormValues; errors: FieldErrors },
) {
  const { lists, papers } = await findLandingData(deps.db);
  const csrfToken = issueCsrfToken(req, res, csrfOptions(deps));
  sendPage(res, status, renderLandingPage({ lists, papers, csrfToken, values: form?.values, errors: form?.errors }), {
    private: true,
  });
}

export function signupRoutes(router: IRouter, deps: PageDeps): void {
  router.get('/', async (req, res) => {
    await renderLanding(deps, req, res, 200);
  });

  router.post('/subscribe', parseForm, parseJson, async (req, res) => {
    const json = wantsJson(req);
    if (!req.is('application/json') && !req.is('application/x-www-form-urlencoded')) {
      throw new AppError(
        ERROR_CODES.unsupportedMedia,
        415,
        'Send the form, or JSON with Content-Type: application/json',
      );
    }
    // Browsers cannot send a cross-site JSON body without a CORS preflight,
    // which this app never grants. Accept is no proof: a cross-site form may
    // set it freely, so only the body's Content-Type exempts a request.
    if (!req.is('application/json') && !verifyCsrfToken(req, deps.config.secretKey)) {
      throw new AppError(ERROR_CODES.forbidden, 403, 'The form is missing its security token');
    }
    try {
      const outcome = await subscribe(deps, req.body, requestEvidence(req));
      if (outcome.kind === 'rate_limited') {
        res.set('Retry-After', String(outcome.retryAfterSeconds));
        const message = 'Too many sign-up attempts. Please wait a while and try again.';
        if (json) res.status(429).json({ error: { code: ERROR_CODES.rateLimited, message } });
        else sendPage(res, 429, renderErrorPage(429, message), { private: true });
        return;
      }
      if (json) sendAccepted(res);
      else sendPage(res, 200, renderCheckInbox(), { private: true });
    } catch (error) {
      if (!isInputError(error)) throw error;
      const errors = fieldErrors(error);
      if (json) {
        const details = Object.entries(errors).map(([path, message]) => ({ path, message }));
        res
          .status(400)
          .json({ error: { code: ERROR_CODES.validation, message: summariseErrors(errors, FIELD_LABELS), details } });
      } else {
        await renderLanding(deps, req, res, 400, { values: formValues(req.body), errors });
      }
    }
  });
}
