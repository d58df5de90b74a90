// /admin/digests/preview and /admin/digests/test-send: any reader's email as
// they would get it now, shown in a sandboxed frame; and a test send of it to
// any address, marked as a test and never counted as a delivery.
import type { ConsoleSession } from '../../admin/console-sessions.js';
import { DigestActionError, previewDigest } from '../../digest/digest-service.js';
import { findTestSend, requestTestSend } from '../../digest/test-send.js';
import { emailSchema } from '../../subscriptions/subscriber-input.js';
import { findSubscriberIdByKey } from '../../subscriptions/subscriber-repo.js';
import type { AppDeps } from '../app.js';
import { html, type SafeHtml } from '../pages/html.js';
import { formError, positiveId, statusBadge, when } from './format.js';
import { csrfField, renderConsolePage } from './layout.js';
import type { ConsoleRoute } from './route.js';

/** The previewed email in its frame: its own inline styles, never a script, no same-origin powers. */
const PREVIEW_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src https: data:; sandbox; frame-ancestors 'self'";

function readerField(value: string): SafeHtml {
  return html`<div class="field"><label for="subscriber">Reader (address or id)</label><input id="subscriber" name="subscriber" type="text" required value="${value}"></div>`;
}

export function digestToolsPage(deps: AppDeps): ConsoleRoute[] {
  const testSendForm = (session: ConsoleSession, values: { subscriber?: string; to?: string }, error?: string) =>
    renderConsolePage(
      session,
      { title: 'Send a test email', section: 'digests' },
      html`<p><a href="/admin/digests">← Digests</a></p><h1>Send a test email</h1>${formError(error)}
<p>Sends the digest a reader would get now to any address. Its subject starts with <code>[TEST]</code> and it carries an <code>X-Paperboy-Test</code> header; it is not a delivery and changes nothing for the reader.</p>
<form method="post" action="/admin/digests/test-send" class="card">${csrfField(session)}
${readerField(values.subscriber ?? '')}
<div class="field"><label for="to">Send to</label><input id="to" name="to" type="email" required value="${values.to ?? ''}"></div>
<button class="button button-primary" type="submit">Send test</button></form>`,
    );

  return [
    {
      method: 'get',
      path: '/digests/preview',
      area: 'digests',
      handle: async ({ req, res, session }) => {
        const key = typeof req.query.subscriber === 'string' ? req.query.subscriber : '';
        const id = key ? await findSubscriberIdByKey(deps.db, key) : null;
        let result: SafeHtml = html``;
        if (key && !id) result = formError('subscriber: no reader with this address or id');
        if (id) {
          const preview = await previewDigest(deps, id);
          result = preview.subject
            ? html`<h2>${preview.subject}</h2>
<ul>${preview.sections.map((s) => html`<li><strong>${s.name}</strong><ul>${s.papers.map((p) => html`<li>${p.title} <span class="why">(${p.reason})</span></li>`)}</ul></li>`)}</ul>
<iframe class="email-frame" title="The email as ${key} would see it" sandbox src="/admin/digests/preview/email?subscriber=${id}"></iframe>`
            : html`<p class="notice">Nothing matches for this reader now: no email would go out.</p>`;
        }
        const body = html`<p><a href="/admin/digests">← Digests</a></p><h1>Preview a reader's email</h1>
<form class="toolbar" method="get" action="/admin/digests/preview">${readerField(key)}<button class="button button-primary" type="submit">Preview</button></form>${result}`;
        res.type('html').send(renderConsolePage(session, { title: 'Preview', section: 'digests' }, body));
      },
    },
    {
      method: 'get',
      path: '/digests/preview/email',
      area: 'digests',
      handle: async ({ req, res }) => {
        const id = await findSubscriberIdByKey(
          deps.db,
          typeof req.query.subscriber === 'string' ? req.query.subscriber : '',
        );
        const preview = id
          ? await previewDigest(deps, id).catch((error: unknown) => {
              if (error instanceof DigestActionError) return null;
              throw error;
            })
          : null;
        if (!preview?.html) return res.status(404).type('text').send('Nothing to show');
        res.setHeader('Content-Security-Policy', PREVIEW_CSP);
        res.removeHeader('X-Frame-Options');
        res.type('html').send(preview.html);
      },
    },
    {
      method: 'get',
      path: '/digests/test-send',
      area: 'digests',
      // The form for a change: only who may send a test sees it.
      access: 'write',
      handle: ({ req, res, session }) =>
        res
          .type('html')
          .send(
            testSendForm(session, { subscriber: typeof req.query.subscriber === 'string' ? req.query.subscriber : '' }),
          ),
    },
    {
      method: 'post',
      path: '/digests/test-send',
      area: 'digests',
      handle: async ({ req, res, session }) => {
        const form = req.body as Record<string, string | undefined>;
        const values = { subscriber: form.subscriber ?? '', to: form.to ?? '' };
        const to = emailSchema.safeParse(values.to);
        if (!to.success)
          return res
            .status(400)
            .type('html')
            .send(testSendForm(session, values, 'to: not a valid address'));
        const subscriberId = await findSubscriberIdByKey(deps.db, values.subscriber);
        if (!subscriberId)
          return res
            .status(400)
            .type('html')
            .send(testSendForm(session, values, 'subscriber: no reader with this address or id'));
        const row = await requestTestSend(deps, { subscriberId, to: to.data });
        res.redirect(303, `/admin/digests/test-sends/${row.id}`);
      },
    },
    {
      method: 'get',
      path: '/digests/test-sends/:id.json',
      area: 'digests',
      handle: async ({ req, res }) => {
        const row = await findTestSend(deps.db, positiveId(req.params.id));
        if (!row) return res.status(404).json({ error: { code: 'not_found', message: 'No such test send' } });
        res.json({ status: row.status, smtpResponse: row.smtpResponse ?? '—', final: row.status !== 'pending' });
      },
    },
    {
      method: 'get',
      path: '/digests/test-sends/:id',
      area: 'digests',
      handle: async ({ req, res, session }) => {
        const row = await findTestSend(deps.db, positiveId(req.params.id));
        if (!row)
          return res
            .status(404)
            .type('html')
            .send(testSendForm(session, {}, 'No such test send.'));
        const final = row.status !== 'pending';
        const body = html`<p><a href="/admin/digests">← Digests</a></p><h1>Test email</h1>
<section class="card" data-live-url="/admin/digests/test-sends/${row.id}.json" data-live-final="${final ? 'yes' : 'no'}">
<p>To ${row.to}, the digest of <a href="/admin/subscribers/${row.subscriberId}">reader ${row.subscriberId}</a>, asked ${when(row.createdAt)}.</p>
<p>Status: ${statusBadge(row.status, 'status')}</p>
<p>Relay's reply: <span data-field="smtpResponse">${row.smtpResponse ?? '—'}</span></p></section>
<p><a href="/admin/digests/test-send">Send another</a></p>`;
        res
          .type('html')
          .send(renderConsolePage(session, { title: 'Test email', section: 'digests', scripts: ['live.js'] }, body));
      },
    },
  ];
}
