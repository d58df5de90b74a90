// /admin/subscribers/:id: one reader's preferences, consent history and
// deliveries (with the relay's replies); edit, erase after a confirmation
// step, and a download of everything held about them.
import type { Response } from 'express';
import { mayAccess } from '../../admin/admin-tokens.js';
import type { ConsoleSession } from '../../admin/console-sessions.js';
import { UnknownListsError, findSubscriberDetail, updateSubscriber } from '../../admin/subscriber-admin.js';
import { eraseSubscriberEverywhere, exportSubscriberData } from '../../admin/subscriber-privacy.js';
import { listLists } from '../../lists/list-repo.js';
import { STATUSES, SubscriberPatchSchema } from '../admin/subscriber-schemas.js';
import type { AppDeps } from '../app.js';
import { attr, html } from '../pages/html.js';
import { formError, notice, positiveId, statusBadge, when } from './format.js';
import { csrfField, renderConsoleMessage, renderConsolePage } from './layout.js';
import type { ConsoleRoute } from './route.js';

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

type Detail = NonNullable<Awaited<ReturnType<typeof findSubscriberDetail>>>;

function notFound(res: Response, session: ConsoleSession) {
  res
    .status(404)
    .type('html')
    .send(renderConsoleMessage(session, 404, 'Not found', 'No such subscriber.'));
}

async function detailPage(
  deps: AppDeps,
  session: ConsoleSession,
  s: Detail,
  done: unknown,
  error?: string,
): Promise<string> {
  const lists = await listLists(deps.db);
  const may = (access: 'read' | 'write', area: 'subscribers' | 'privacy') => mayAccess(session.scopes, access, area);
  const edit = may('write', 'subscribers')
    ? html`<form method="post" action="/admin/subscribers/${s.id}">
${csrfField(session)}
<div class="form-grid">
  <div class="field"><label for="status">Status</label><select id="status" name="status">${STATUSES.map((st) => html`<option${attr('selected', s.status === st)}>${st}</option>`)}</select></div>
  <div class="field"><label for="timezone">Time zone</label><input id="timezone" name="timezone" type="text" value="${s.timezone}" required></div>
  <div class="field"><label for="sendHour">Send hour</label><input id="sendHour" name="sendHour" type="number" min="0" max="23" value="${s.sendHour}"></div>
  <div class="field"><label for="frequency">Frequency</label><select id="frequency" name="frequency">${['daily', 'weekly'].map((f) => html`<option${attr('selected', s.frequency === f)}>${f}</option>`)}</select></div>
  <div class="field"><label for="weekday">Weekday (weekly)</label><select id="weekday" name="weekday">${WEEKDAYS.map((d, i) => html`<option value="${i}"${attr('selected', s.weekday === i)}>${d}</option>`)}</select></div>
</div>
<fieldset><legend>Lists</legend><div class="actions">${lists.map((l) => html`<label><input type="checkbox" name="lists" value="${l.slug}"${attr('checked', s.lists.includes(l.slug))}> ${l.name}</label>`)}</div></fieldset>
<button class="button button-primary" type="submit">Save changes</button>
</form>`
    : html`<dl><dt>Time zone</dt><dd>${s.timezone}</dd><dt>Send hour</dt><dd>${s.sendHour}</dd><dt>Frequency</dt><dd>${s.frequency === 'weekly' ? `weekly, on ${WEEKDAYS[s.weekday] ?? s.weekday}` : 'daily'}</dd>
<dt>Lists</dt><dd>${
        lists
          .filter((l) => s.lists.includes(l.slug))
          .map((l) => l.name)
          .join(', ') || '—'
      }</dd></dl>`;
  const deliveries = s.deliveries.map(
    (d) =>
      html`<tr><th scope="row"><a href="/admin/digests/${d.digestId}">${d.period}</a></th><td>${statusBadge(d.status)}</td><td>${d.attempts}</td><td>${when(d.sentAt)}</td><td>${d.smtpResponse ?? d.lastError ?? '—'}</td></tr>`,
  );
  const consents = s.consents.map(
    (c) =>
      html`<tr><th scope="row">${when(c.createdAt)}</th><td>${c.action}</td><td>${c.lists.join(', ')}</td><td>${c.ip ?? '—'}</td><td>${c.formVersion ?? '—'}</td></tr>`,
  );
  const body = html`<p><a href="/admin/subscribers">← Subscribers</a></p>
<h1>${s.email ?? '(erased)'}</h1>${notice(done)}${formError(error)}
<p>${statusBadge(s.status)} <span class="muted">signed up ${when(s.createdAt)}, confirmed ${when(s.confirmedAt)}, ${s.bounceCount} bounce(s)</span></p>
<p class="actions"><a class="button button-secondary button-small" href="/admin/digests/preview?subscriber=${s.id}">Preview their email</a>
${may('read', 'privacy') ? html`<a class="button button-secondary button-small" href="/admin/subscribers/${s.id}/data">Download their data (JSON)</a>` : ''}
${may('write', 'privacy') ? html`<a class="button button-danger button-small" href="/admin/subscribers/${s.id}/erase">Erase…</a>` : ''}</p>
<h2>Preferences</h2>${edit}
<h2>Ratings</h2><p>${s.ratings.up} "more like this", ${s.ratings.down} "less like this" (their current votes).</p>
<h2>Deliveries</h2>
<div class="table-scroll"><table><thead><tr><th scope="col">Period</th><th scope="col">Status</th><th scope="col">Attempts</th><th scope="col">Sent</th><th scope="col">SMTP reply</th></tr></thead><tbody>${deliveries}</tbody></table></div>
<h2>Consent history</h2>
<div class="table-scroll"><table><thead><tr><th scope="col">When</th><th scope="col">Action</th><th scope="col">Lists</th><th scope="col">IP</th><th scope="col">Form</th></tr></thead><tbody>${consents}</tbody></table></div>`;
  return renderConsolePage(session, { title: s.email ?? 'Subscriber', section: 'subscribers' }, body);
}

export function subscriberPage(deps: AppDeps): ConsoleRoute[] {
  return [
    {
      method: 'get',
      path: '/subscribers/:id',
      area: 'subscribers',
      handle: async ({ req, res, session }) => {
        const detail = await findSubscriberDetail(deps.db, positiveId(req.params.id));
        if (!detail) return notFound(res, session);
        res.type('html').send(await detailPage(deps, session, detail, req.query.done));
      },
    },
    {
      method: 'post',
      path: '/subscribers/:id',
      area: 'subscribers',
      handle: async ({ req, res, session }) => {
        const id = positiveId(req.params.id);
        const form = req.body as Record<string, string | string[] | undefined>;
        const parsed = SubscriberPatchSchema.safeParse({
          status: form.status,
          timezone: form.timezone,
          sendHour: Number(form.sendHour),
          frequency: form.frequency,
          weekday: Number(form.weekday),
          lists: form.lists === undefined ? [] : [form.lists].flat(),
        });
        const fail = async (status: number, message: string) => {
          const detail = await findSubscriberDetail(deps.db, id);
          if (!detail) return notFound(res, session);
          res
            .status(status)
            .type('html')
            .send(await detailPage(deps, session, detail, undefined, message));
        };
        if (!parsed.success) {
          const issue = parsed.error.issues[0]!;
          return fail(400, `${issue.path.join('.')}: ${issue.message}`);
        }
        try {
          const updated = await updateSubscriber(deps.db, id, parsed.data, {
            ip: req.ip,
            userAgent: req.get('user-agent'),
          });
          if (!updated) return notFound(res, session);
        } catch (error) {
          if (error instanceof UnknownListsError) return fail(400, `lists: ${error.message}`);
          throw error;
        }
        res.redirect(303, `/admin/subscribers/${id}?done=saved`);
      },
    },
    {
      method: 'get',
      path: '/subscribers/:id/data',
      area: 'privacy',
      handle: async ({ req, res, session }) => {
        const data = await exportSubscriberData(deps.db, positiveId(req.params.id));
        if (!data) return notFound(res, session);
        res.setHeader('Content-Disposition', `attachment; filename="subscriber-${data.subscriber.id}.json"`);
        res.json(data);
      },
    },
    {
      method: 'get',
      path: '/subscribers/:id/erase',
      area: 'privacy',
      access: 'write',
      handle: async ({ req, res, session }) => {
        const detail = await findSubscriberDetail(deps.db, positiveId(req.params.id));
        if (!detail) return notFound(res, session);
        const body = html`<h1>Erase ${detail.email ?? 'this subscriber'}?</h1>
<section class="card danger-zone"><p>This deletes the address, preferences, subscriptions and consent records, and their queued emails. Their ${detail.deliveries.length} recent deliveries stay in the figures, linked to no one. It cannot be undone.</p>
<form method="post" action="/admin/subscribers/${detail.id}/erase">${csrfField(session)}
<div class="field"><label><input type="checkbox" name="confirm" value="yes" required> Yes, erase this subscriber for good</label></div>
<div class="actions"><button class="button button-danger" type="submit">Erase</button> <a href="/admin/subscribers/${detail.id}">Cancel</a></div></form></section>`;
        res.type('html').send(renderConsolePage(session, { title: 'Erase subscriber', section: 'subscribers' }, body));
      },
    },
    {
      method: 'post',
      path: '/subscribers/:id/erase',
      area: 'privacy',
      handle: async ({ req, res, session }) => {
        const id = positiveId(req.params.id);
        if ((req.body as Record<string, unknown>).confirm !== 'yes')
          return res.redirect(303, `/admin/subscribers/${id}/erase`);
        if (!(await eraseSubscriberEverywhere(deps, id))) return notFound(res, session);
        res.redirect(303, '/admin/subscribers?done=erased');
      },
    },
  ];
}
