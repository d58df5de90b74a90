// /admin/subscribers: search by address fragment, filter by status and list,
// page by id; the CSV export streams the same filter.
import { pipeline } from 'node:stream/promises';
import { mayAccess } from '../../admin/admin-tokens.js';
import { exportSubscribersCsv } from '../../admin/subscriber-export.js';
import { searchSubscribers } from '../../admin/subscriber-search.js';
import { listLists } from '../../lists/list-repo.js';
import { STATUSES, SubscriberFilterQuery } from '../admin/subscriber-schemas.js';
import type { AppDeps } from '../app.js';
import { attr, html } from '../pages/html.js';
import { notice, statusBadge, when } from './format.js';
import { renderConsolePage } from './layout.js';
import type { ConsoleRoute } from './route.js';

const PAGE_SIZE = 50;

/** Bad filter values are dropped, not refused: a search box should never answer 400. */
function filterOf(query: Record<string, unknown>) {
  const parsed = SubscriberFilterQuery.safeParse({
    status: query.status || undefined,
    list: query.list || undefined,
    q: query.q || undefined,
  });
  return parsed.success ? parsed.data : {};
}

export function subscribersPage(deps: AppDeps): ConsoleRoute[] {
  return [
    {
      method: 'get',
      path: '/subscribers',
      area: 'subscribers',
      handle: async ({ req, res, session }) => {
        const filter = filterOf(req.query);
        const after = Number(req.query.after);
        const afterId = Number.isSafeInteger(after) && after > 0 ? after : undefined;
        const [rows, lists] = await Promise.all([
          searchSubscribers(deps.db, filter, { afterId, limit: PAGE_SIZE }),
          listLists(deps.db),
        ]);
        const page = rows.slice(0, PAGE_SIZE);
        const params = new URLSearchParams(
          Object.entries(filter).filter((entry): entry is [string, string] => Boolean(entry[1])),
        );
        const nextLink =
          rows.length > PAGE_SIZE
            ? `/admin/subscribers?${new URLSearchParams([...params, ['after', String(page.at(-1)!.id)]]).toString()}`
            : null;
        const body = html`<h1>Subscribers</h1>${notice(req.query.done)}
<p class="actions">${mayAccess(session.scopes, 'write', 'subscribers') ? html`<a class="button button-secondary button-small" href="/admin/subscribers/import">Import CSV</a>` : ''}
<a class="button button-secondary button-small" href="/admin/subscribers/export.csv?${params.toString()}">Export these as CSV</a></p>
<form class="toolbar" method="get" action="/admin/subscribers" role="search">
  <div class="field"><label for="q">Address contains</label><input id="q" name="q" type="search" value="${filter.q ?? ''}"></div>
  <div class="field"><label for="status">Status</label><select id="status" name="status"><option value="">Any</option>${STATUSES.map((s) => html`<option${attr('selected', filter.status === s)}>${s}</option>`)}</select></div>
  <div class="field"><label for="list">List</label><select id="list" name="list"><option value="">Any</option>${lists.map((l) => html`<option value="${l.slug}"${attr('selected', filter.list === l.slug)}>${l.name}</option>`)}</select></div>
  <button class="button button-primary" type="submit">Search</button>
</form>
<div class="table-scroll"><table><caption>${page.length} subscriber(s)${afterId ? ' on this page' : ''}</caption>
<thead><tr><th scope="col">Address</th><th scope="col">Status</th><th scope="col">Lists</th><th scope="col">Signed up</th></tr></thead>
<tbody>${page.map((s) => html`<tr><th scope="row"><a href="/admin/subscribers/${s.id}">${s.email ?? '(erased)'}</a></th><td>${statusBadge(s.status)}</td><td>${s.lists.join(', ')}</td><td>${when(s.createdAt)}</td></tr>`)}</tbody>
</table></div>
<nav class="pager" aria-label="Pages">${afterId ? html`<a href="/admin/subscribers?${params.toString()}">First page</a>` : ''}${nextLink ? html`<a href="${nextLink}">Next page</a>` : ''}</nav>`;
        res.type('html').send(renderConsolePage(session, { title: 'Subscribers', section: 'subscribers' }, body));
      },
    },
    {
      method: 'get',
      path: '/subscribers/export.csv',
      area: 'subscribers',
      handle: async ({ req, res }) => {
        res.status(200);
        res.setHeader('Content-Type', 'text/csv; charset=utf-8');
        res.setHeader(
          'Content-Disposition',
          `attachment; filename="subscribers-${new Date().toISOString().slice(0, 10)}.csv"`,
        );
        await pipeline(exportSubscribersCsv(deps.db, filterOf(req.query)), res);
      },
    },
  ];
}
