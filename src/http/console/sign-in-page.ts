// /admin/sign-in and /admin/sign-out: a pasted token opens a session. Before
// there is a session the form is guarded by the public pages' signed
// double-submit CSRF token; afterwards by the session's own.
import type { Router, RequestHandler } from 'express';
import { closeConsoleSession, openConsoleSession } from '../../admin/console-sessions.js';
import { authenticateToken, MAX_TOKEN_LENGTH } from '../../admin/token-auth.js';
import type { AppDeps } from '../app.js';
import { CSRF_FIELD, issueCsrfToken, verifyCsrfToken } from '../csrf.js';
import { html } from '../pages/html.js';
import { renderConsoleMessage, renderConsolePage } from './layout.js';
import { safeNext } from './route.js';
import { clearSessionCookie, csrfMatches, isSecure, readSession, sessionSecret, setSessionCookie } from './session.js';

function signInPage(csrf: string, next: string, error?: string): string {
  return renderConsolePage(
    null,
    { title: 'Sign in' },
    html`<section class="card sign-in">
<h1>Sign in to the admin console</h1>
<p class="muted">Paste an admin token: the <code>ADMIN_TOKEN</code> of the server, or one made with <code>paperboy token create --name NAME</code>.</p>
${error ? html`<p class="notice notice-warn" role="alert">${error}</p>` : ''}
<form method="post" action="/admin/sign-in">
  <input type="hidden" name="${CSRF_FIELD}" value="${csrf}">
  <input type="hidden" name="next" value="${next}">
  <div class="field">
    <label for="token">Admin token</label>
    <input id="token" name="token" type="password" autocomplete="off" required maxlength="${MAX_TOKEN_LENGTH}" spellcheck="false">
  </div>
  <button class="button button-primary" type="submit">Sign in</button>
</form>
</section>`,
  );
}

export function signInRoutes(router: Router, deps: AppDeps, parseForm: RequestHandler): void {
  const csrfOptions = (req: Parameters<RequestHandler>[0]) => ({
    secret: deps.config.secretKey,
    secure: isSecure(req, deps.config),
  });

  router.get('/sign-in', (req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.type('html').send(signInPage(issueCsrfToken(req, res, csrfOptions(req)), safeNext(req.query.next)));
  });

  router.post('/sign-in', parseForm, async (req, res, next) => {
    try {
      res.setHeader('Cache-Control', 'no-store');
      const body = req.body as Record<string, unknown>;
      const target = safeNext(body.next);
      if (!verifyCsrfToken(req, deps.config.secretKey)) {
        return res
          .status(403)
          .type('html')
          .send(
            signInPage(
              issueCsrfToken(req, res, csrfOptions(req)),
              target,
              'The form expired. Please paste the token again.',
            ),
          );
      }
      // A pasted token often brings a space or a line break with it.
      const identity = typeof body.token === 'string' ? await authenticateToken(deps, body.token.trim()) : null;
      if (!identity) {
        deps.logger.info({ event: 'console_sign_in_failed', ip: req.ip }, 'console sign-in refused');
        return res
          .status(401)
          .type('html')
          .send(
            signInPage(
              issueCsrfToken(req, res, csrfOptions(req)),
              target,
              'That token is not valid, or it was revoked.',
            ),
          );
      }
      const { secret, session } = await openConsoleSession(deps.db, identity, deps.config.consoleSessionMinutes);
      setSessionCookie(req, res, deps.config, secret, session.expiresAt);
      deps.logger.info({ event: 'console_signed_in', tokenId: identity.tokenId }, 'console sign-in');
      res.redirect(303, target);
    } catch (error) {
      next(error);
    }
  });

  router.post('/sign-out', parseForm, async (req, res, next) => {
    try {
      const session = await readSession(req, deps.db);
      if (session && !csrfMatches(req, session)) {
        return res
          .status(403)
          .type('html')
          .send(renderConsoleMessage(session, 403, 'Form expired', 'Reload the page and try again.'));
      }
      const secret = sessionSecret(req);
      if (secret) await closeConsoleSession(deps.db, secret);
      clearSessionCookie(req, res, deps.config);
      res.redirect(303, '/admin/sign-in');
    } catch (error) {
      next(error);
    }
  });
}
