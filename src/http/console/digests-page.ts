// /admin/digests: the periods and their progress; trigger one; a running
// digest's page follows it live (live.js polls progress.json); failures with
// the relay's replies, each with a resend. Previews and test sends live in
// digest-tools-page.ts.
import type { Response } from 'express';
import type { ConsoleSession } from '../../admin/console-sessions.js';
import { mayAccess } from '../../admin/admin-tokens.js';
import { findFailedDeliveries } from '../../digest/digest-repo.js';
import {
  DigestActionError,
  getDigestStatus,
  listDigests,
  resendDelivery,
  triggerDigest,
} from '../../digest/digest-service.js';
import type { AppDeps } from '../app.js';
import { html } from '../pages/html.js';
import { csrfField, renderConsoleMessage, renderConsolePage } from './layout.js';
import { formError, notice, positiveId, progressBar, progressOf, statusBadge, when } from './format.js';
import type { ConsoleRoute } from './route.js';

const FAILURES_SHOWN = 100;

function notFound(res: Response, session: ConsoleSession) {
  res
    .status(404)
    .type('html')
    .send(renderConsoleMessage(session, 404, 'Not found', 'No such digest.'));
}

export function digestsPage(deps: AppDeps): ConsoleRoute[] {
  const listPage = async (session: ConsoleSession, done: unknown, error?: string) => {
    const digests = await listDigests(deps.db, { limit: 60 });
    const today = new Date().toISOString().slice(0, 10);
    const canSend = mayAccess(session.scopes, 'write', 'digests');
    const body = html`<h1>Digests</h1>${notice(done)}${formError(error)}
${
  canSend
    ? html`<form class="toolbar card" method="post" action="/admin/digests">${csrfField(session)}
<div class="field"><label for="date">Period</label><input id="date" name="date" type="date" value="${today}" required></div>
<button class="button button-primary" type="submit">Plan and send</button>
<p class="muted">Only subscribers due that period and without an email for it yet get one.</p></form>`
    : ''
}
<p class="actions"><a class="button button-secondary button-small" href="/admin/digests/preview">Preview a reader's email</a>${canSend ? html` <a class="button button-secondary button-small" href="/admin/digests/test-send">Send a test email</a>` : ''}</p>
<div class="table-scroll"><table><caption>Digests, newest period first</caption>
<thead><tr><th scope="col">Period</th><th scope="col">Status</th><th scope="col">Progress</th><th scope="col">Planned</th><th scope="col">Sent</th><th scope="col">Skipped</th><th scope="col">Failed</th></tr></thead>
<tbody>${digests.map((d) => html`<tr><th scope="row"><a href="/admin/digests/${d.id}">${d.period}</a></th><td>${statusBadge(d.status)}</td><td>${progressBar(d, `Progress of ${d.period}`)}</td><td>${d.planned}</td><td>${d.sent}</td><td>${d.skipped}</td><td>${d.failed}</td></tr>`)}</tbody></table></div>`;
    return renderConsolePage(session, { title: 'Digests', section: 'digests' }, body);
  };

  return [
    {
      method: 'get',
      path: '/digests',
      area: 'digests',
      handle: async ({ req, res, session }) => res.type('html').send(await listPage(session, req.query.done)),
    },
    {
      method: 'post',
      path: '/digests',
      area: 'digests',
      handle: async ({ req, res, session }) => {
        try {
          const { date } = req.body as Record<string, unknown>;
          const digest = await triggerDigest(deps, typeof date === 'string' ? date : '');
          res.redirect(303, `/admin/digests/${digest.id}`);
        } catch (error) {
          if (!(error instanceof DigestActionError)) throw error;
          res
            .status(400)
            .type('html')
            .send(await listPage(session, undefined, `date: ${error.message}`));
        }
      },
    },
    {
      method: 'get',
      path: '/digests/:id',
      area: 'digests',
      handle: async ({ req, res, session }) => {
        const digest = await getDigestStatus(deps.db, positiveId(req.params.id));
        if (!digest) return notFound(res, session);
        const failures = await findFailedDeliveries(deps.db, digest.id, FAILURES_SHOWN);
        const canSend = mayAccess(session.scopes, 'write', 'digests');
        const final = digest.status === 'done' || digest.status === 'failed';
        const body = html`<p><a href="/admin/digests">← Digests</a></p><h1>Digest ${digest.period}</h1>${notice(req.query.done)}
<section class="card" data-live-url="/admin/digests/${digest.id}/progress.json" data-live-final="${final ? 'yes' : 'no'}">
<p>Status: ${statusBadge(digest.status, 'status')}</p>
<p>${progressBar(digest, 'Progress')} <span data-field="percent">${Math.round(progressOf(digest) * 100)}%</span></p>
<dl class="stat-tiles">
<div><dt>Planned</dt><dd data-field="planned">${digest.planned}</dd></div>
<div><dt>Sent</dt><dd data-field="sent">${digest.sent}</dd></div>
<div><dt>Skipped</dt><dd data-field="skipped">${digest.skipped}</dd></div>
<div><dt>Failed</dt><dd data-field="failed">${digest.failed}</dd></div>
</dl>
<p class="muted">Started ${when(digest.createdAt)}; finished <span data-field="finishedAt">${when(digest.finishedAt)}</span>.</p>
</section>
<h2>Failures</h2>
${
  failures.length
    ? html`<div class="table-scroll"><table><thead><tr><th scope="col">Reader</th><th scope="col">Attempts</th><th scope="col">SMTP reply</th><th scope="col">Action</th></tr></thead><tbody>${failures.map(
        (f) =>
          html`<tr><th scope="row">${f.subscriberId ? html`<a href="/admin/subscribers/${f.subscriberId}">${f.subscriber?.email ?? f.subscriberId}</a>` : '(erased)'}</th><td>${f.attempts}</td><td>${f.smtpResponse ?? f.lastError ?? '—'}</td><td>${canSend ? html`<form method="post" action="/admin/deliveries/${f.id}/resend">${csrfField(session)}<button class="button button-secondary button-small" type="submit">Resend</button></form>` : ''}</td></tr>`,
      )}</tbody></table></div>`
    : html`<p class="muted">No failed deliveries.</p>`
}`;
        res
          .type('html')
          .send(
            renderConsolePage(
              session,
              { title: `Digest ${digest.period}`, section: 'digests', scripts: ['live.js'] },
              body,
            ),
          );
      },
    },
    {
      method: 'get',
      path: '/digests/:id/progress.json',
      area: 'digests',
      handle: async ({ req, res }) => {
        const digest = await getDigestStatus(deps.db, positiveId(req.params.id));
        if (!digest) return res.status(404).json({ error: { code: 'not_found', message: 'No such digest' } });
        res.json({
          status: digest.status,
          planned: digest.planned,
          sent: digest.sent,
          skipped: digest.skipped,
          failed: digest.failed,
          progress: Math.round(progressOf(digest) * 100),
          percent: `${Math.round(progressOf(digest) * 100)}%`,
          finishedAt: when(digest.finishedAt),
          final: digest.status === 'done' || digest.status === 'failed',
        });
      },
    },
    {
      method: 'post',
      path: '/deliveries/:id/resend',
      area: 'digests',
      handle: async ({ req, res, session }) => {
        try {
          const queued = await resendDelivery(deps, positiveId(req.params.id));
          res.redirect(303, `/admin/digests/${queued.digestId}?done=resent`);
        } catch (error) {
          if (!(error instanceof DigestActionError)) throw error;
          res
            .status(error.code === 'not_found' ? 404 : 409)
            .type('html')
            .send(renderConsoleMessage(session, 409, 'Not resent', error.message));
        }
      },
    },
  ];
}
