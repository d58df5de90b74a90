// /admin/papers: search (full text or an arXiv id), hide and unhide, and pin
// a paper to the top of the digests planned in the coming week.
import type { Paper } from '../../generated/prisma/client.js';
import type { ConsoleSession } from '../../admin/console-sessions.js';
import {
  asArxivId,
  findPaperByArxivId,
  findPapersInOrder,
  listPapers,
  setPaperHidden,
  setPaperPinned,
} from '../../admin/paper-admin.js';
import { mayAccess } from '../../admin/admin-tokens.js';
import { searchPapers } from '../../papers/paper-repo.js';
import { defaultPinEnd, DEFAULT_PIN_DAYS } from '../../papers/pinning.js';
import type { AppDeps } from '../app.js';
import { attr, html } from '../pages/html.js';
import { notice, positiveId, when } from './format.js';
import { csrfField, renderConsoleMessage, renderConsolePage } from './layout.js';
import type { ConsoleRoute } from './route.js';

const PAGE_SIZE = 50;

function paperRow(session: ConsoleSession, paper: Paper, back: string) {
  const canEdit = mayAccess(session.scopes, 'write', 'papers');
  const pinned = paper.pinnedUntil !== null && paper.pinnedUntil > new Date();
  const action = (verb: string, label: string, tone = 'secondary') =>
    html`<form method="post" action="/admin/papers/${paper.id}/${verb}">${csrfField(session)}<input type="hidden" name="back" value="${back}"><button class="button button-${tone} button-small" type="submit">${label}<span class="visually-hidden">: ${paper.title}</span></button></form>`;
  return html`<tr><th scope="row">${paper.url ? html`<a href="${paper.url}" rel="noreferrer noopener">${paper.title}</a>` : paper.title}<br><span class="muted">${paper.arxivId ?? paper.key} · ${paper.upvotes} upvotes · seen ${when(paper.firstSeenAt)}</span></th>
<td>${paper.hidden ? 'hidden' : pinned ? `pinned until ${when(paper.pinnedUntil)}` : 'visible'}</td>
<td>${canEdit ? html`<div class="actions">${paper.hidden ? action('unhide', 'Unhide') : action('hide', 'Hide', 'danger')}${paper.hidden ? '' : pinned ? action('unpin', 'Unpin') : action('pin', 'Pin')}</div>` : ''}</td></tr>`;
}

/** Where to go after an action: back to the same search, never elsewhere. */
function backTo(value: unknown): string {
  return typeof value === 'string' && /^\/admin\/papers(\?[^\s\\]*)?$/.test(value) ? value : '/admin/papers';
}

export function papersPage(deps: AppDeps): ConsoleRoute[] {
  const act = (verb: string, done: string, change: (id: number) => Promise<unknown>): ConsoleRoute => ({
    method: 'post',
    path: `/papers/:id/${verb}`,
    area: 'papers',
    handle: async ({ req, res, session }) => {
      const id = positiveId(req.params.id);
      const changed = id ? await change(id) : null;
      if (!changed)
        return res
          .status(404)
          .type('html')
          .send(renderConsoleMessage(session, 404, 'Not found', 'No such paper.'));
      const back = backTo((req.body as Record<string, unknown>).back);
      res.redirect(303, `${back}${back.includes('?') ? '&' : '?'}done=${done}`);
    },
  });
  return [
    {
      method: 'get',
      path: '/papers',
      area: 'papers',
      handle: async ({ req, res, session }) => {
        const q = typeof req.query.q === 'string' ? req.query.q.trim().slice(0, 200) : '';
        const hidden = req.query.hidden === 'yes';
        const after = Number(req.query.after);
        let papers: Paper[];
        let nextAfter: number | null = null;
        const arxivId = q ? asArxivId(q) : null;
        if (arxivId) {
          const paper = await findPaperByArxivId(deps.db, arxivId);
          papers = paper ? [paper] : [];
        } else if (q) {
          const hits = await searchPapers(deps.db, q, { limit: PAGE_SIZE });
          papers = await findPapersInOrder(
            deps.db,
            hits.map((hit) => hit.id),
          );
        } else {
          const rows = await listPapers(deps.db, hidden ? { hidden: true } : {}, {
            afterId: Number.isSafeInteger(after) && after > 0 ? after : undefined,
            limit: PAGE_SIZE,
          });
          papers = rows.slice(0, PAGE_SIZE);
          if (rows.length > PAGE_SIZE) nextAfter = papers.at(-1)!.id;
        }
        const back = req.originalUrl.replace(/([?&])done=[^&]*&?/, '$1').replace(/[?&]$/, '');
        const body = html`<h1>Papers</h1>${notice(req.query.done)}
<form class="toolbar" method="get" action="/admin/papers" role="search">
<div class="field"><label for="q">Words or an arXiv id</label><input id="q" name="q" type="search" value="${q}"></div>
<div class="field"><label><input type="checkbox" name="hidden" value="yes"${attr('checked', hidden)}> Hidden papers only (without words)</label></div>
<button class="button button-primary" type="submit">Search</button></form>
<p class="muted">Hidden papers are never sent again. A pinned paper goes first in every digest planned in the next ${DEFAULT_PIN_DAYS} days, for the readers whose lists it matches.</p>
<div class="table-scroll"><table><caption>${papers.length} paper(s)</caption><thead><tr><th scope="col">Paper</th><th scope="col">State</th><th scope="col">Actions</th></tr></thead>
<tbody>${papers.map((p) => paperRow(session, p, back))}</tbody></table></div>
${nextAfter ? html`<nav class="pager" aria-label="Pages"><a href="/admin/papers?${new URLSearchParams({ ...(hidden ? { hidden: 'yes' } : {}), after: String(nextAfter) }).toString()}">Next page</a></nav>` : ''}`;
        res.type('html').send(renderConsolePage(session, { title: 'Papers', section: 'papers' }, body));
      },
    },
    act('hide', 'hidden', (id) => setPaperHidden(deps.db, id, true)),
    act('unhide', 'unhidden', (id) => setPaperHidden(deps.db, id, false)),
    act('pin', 'pinned', (id) => setPaperPinned(deps.db, id, defaultPinEnd())),
    act('unpin', 'unpinned', (id) => setPaperPinned(deps.db, id, null)),
  ];
}
