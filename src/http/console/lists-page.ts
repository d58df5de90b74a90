// /admin/lists: the lists with their subscribers by status; a form to create
// or edit one, with a live preview of what its rule takes from the last 7
// days of papers, and why (the digest matcher itself, via previewListRule).
import type { Request } from 'express';
import { uniqueViolation } from '../../db.js';
import type { ConsoleSession } from '../../admin/console-sessions.js';
import { mayAccess, type Access } from '../../admin/admin-tokens.js';
import { previewListRule } from '../../lists/list-preview.js';
import { countListSubscribersByStatus, createList, findList, listLists, updateList } from '../../lists/list-repo.js';
import { ListInputSchema } from '../admin/lists-routes.js';
import type { AppDeps } from '../app.js';
import { html, attr, type SafeHtml } from '../pages/html.js';
import { formError, notice } from './format.js';
import { csrfField, renderConsoleMessage, renderConsolePage } from './layout.js';
import type { ConsoleRoute } from './route.js';

const PREVIEW_DAYS = 7;
const STATUSES = ['active', 'pending', 'unsubscribed', 'bounced', 'complained'];

type Form = Record<string, string | undefined>;

/** The list form's two buttons: "Save list" writes, "Preview the rule" (without JavaScript) only reads. */
const saveOrPreview = (req: Request): Access => ((req.body as Form).intent === 'preview' ? 'read' : 'write');

const words = (text: string | undefined, separator: RegExp) =>
  (text ?? '')
    .split(separator)
    .map((w) => w.trim())
    .filter(Boolean);

/** The form's text fields → the API's list input (validated by the same schema). */
function listInputOf(form: Form) {
  return ListInputSchema.safeParse({
    slug: form.slug ?? '',
    name: form.name ?? '',
    description: form.description ?? '',
    public: form.public === 'on',
    keywords: words(form.keywords, /\r?\n|,/),
    categories: words(form.categories, /[\s,]+/),
    minUpvotes: Number(form.minUpvotes || 0),
    maxPapers: Number(form.maxPapers || 10),
  });
}

function ruleOf(form: Form) {
  const clamp = (value: number, min: number, max: number, fallback: number) =>
    Number.isFinite(value) ? Math.min(max, Math.max(min, Math.trunc(value))) : fallback;
  return {
    keywords: words(form.keywords, /\r?\n|,/)
      .slice(0, 200)
      .map((k) => k.slice(0, 100)),
    categories: words(form.categories, /[\s,]+/).slice(0, 50),
    minUpvotes: clamp(Number(form.minUpvotes || 0), 0, 1_000_000, 0),
    maxPapers: clamp(Number(form.maxPapers || 10), 1, 50, 10),
  };
}

async function renderPreview(deps: AppDeps, form: Form): Promise<SafeHtml> {
  const preview = await previewListRule(
    deps.db,
    { ...ruleOf(form), name: form.name?.trim() || 'this list' },
    { days: PREVIEW_DAYS, limit: 50 },
  );
  const items = preview.items.map(
    (item) =>
      html`<li><strong>${item.title}</strong> <span class="muted">${item.upvotes} upvotes${item.inSection ? '' : ' · beyond the section size'}</span><br><span class="why">Why: ${item.reason}</span></li>`,
  );
  return html`<p><strong>${preview.total}</strong> of ${preview.papersConsidered} papers from the last ${PREVIEW_DAYS} days match.</p>
${items.length ? html`<ol class="preview-list">${items}</ol>` : html`<p class="muted">Nothing matches yet: widen the keywords or lower the upvotes.</p>`}`;
}

function formOf(list: {
  slug: string;
  name: string;
  description: string;
  public: boolean;
  keywords: string[];
  categories: string[];
  minUpvotes: number;
  maxPapers: number;
}): Form {
  return {
    slug: list.slug,
    name: list.name,
    description: list.description,
    public: list.public ? 'on' : undefined,
    keywords: list.keywords.join('\n'),
    categories: list.categories.join(' '),
    minUpvotes: String(list.minUpvotes),
    maxPapers: String(list.maxPapers),
  };
}

function listForm(session: ConsoleSession, action: string, form: Form, preview: SafeHtml, error?: string): SafeHtml {
  const canEdit = mayAccess(session.scopes, 'write', 'lists');
  const canRead = mayAccess(session.scopes, 'read', 'lists');
  return html`${formError(error)}
<form method="post" action="${action}" id="list-form" data-preview-url="/admin/lists/preview">
${csrfField(session)}
<div class="form-grid">
  <div class="field"><label for="slug">Slug</label><input id="slug" name="slug" type="text" required maxlength="63" value="${form.slug ?? ''}"></div>
  <div class="field"><label for="name">Name</label><input id="name" name="name" type="text" required maxlength="100" value="${form.name ?? ''}"></div>
</div>
<div class="field"><label for="description">Description</label><textarea id="description" name="description" maxlength="2000">${form.description ?? ''}</textarea></div>
<div class="form-grid">
  <div class="field"><label for="keywords">Keywords or phrases (one a line)</label><textarea id="keywords" name="keywords">${form.keywords ?? ''}</textarea></div>
  <div class="field"><label for="categories">arXiv categories (space-separated, e.g. cs.CL cs.LG)</label><input id="categories" name="categories" type="text" value="${form.categories ?? ''}"></div>
  <div class="field"><label for="minUpvotes">Minimum upvotes</label><input id="minUpvotes" name="minUpvotes" type="number" min="0" value="${form.minUpvotes ?? '0'}"></div>
  <div class="field"><label for="maxPapers">Papers per section</label><input id="maxPapers" name="maxPapers" type="number" min="1" max="50" value="${form.maxPapers ?? '10'}"></div>
</div>
<div class="field"><label><input type="checkbox" name="public"${attr('checked', form.public === 'on')}> Public (on the sign-up page and in the archive)</label></div>
<div class="actions">
  ${canEdit ? html`<button class="button button-primary" type="submit" name="intent" value="save">Save list</button>` : ''}
  ${canRead ? html`<button class="button button-secondary" type="submit" name="intent" value="preview">Preview the rule</button>` : ''}
</div>
</form>
<section aria-labelledby="preview-h"><h2 id="preview-h">What this rule takes</h2>
<div id="rule-preview" aria-live="polite">${preview}</div></section>`;
}

export function listsPage(deps: AppDeps): ConsoleRoute[] {
  // The preview shows papers: a token that may only write lists sees none, as in the API.
  const previewFor = async (session: ConsoleSession, form: Form) =>
    mayAccess(session.scopes, 'read', 'lists')
      ? renderPreview(deps, form)
      : html`<p class="muted">Previewing a rule needs a token with the "read" scope.</p>`;
  const editPage = async (
    req: Request,
    session: ConsoleSession,
    title: string,
    action: string,
    form: Form,
    status: number,
    error?: string,
  ) =>
    renderConsolePage(
      session,
      { title, section: 'lists', scripts: ['list-preview.js'] },
      html`<p><a href="/admin/lists">← Lists</a></p><h1>${title}</h1>${notice(req.query.done)}${listForm(session, action, form, await previewFor(session, form), error)}`,
    );

  /** Saves, or re-renders the form with the preview when asked (the no-JavaScript preview). */
  const save = async (
    req: Request,
    session: ConsoleSession,
    existing: { id: number } | null,
    title: string,
    action: string,
  ) => {
    const form = req.body as Form;
    if (form.intent === 'preview') return { status: 200, page: await editPage(req, session, title, action, form, 200) };
    const parsed = listInputOf(form);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      return {
        status: 400,
        page: await editPage(req, session, title, action, form, 400, `${issue.path.join('.')}: ${issue.message}`),
      };
    }
    try {
      const input = parsed.data;
      const saved = existing ? await updateList(deps.db, existing.id, input) : await createList(deps.db, input);
      // Back to the saved list, or, for a token that may not read lists, to a new form.
      return {
        redirect: mayAccess(session.scopes, 'read', 'lists')
          ? `/admin/lists/${saved.id}?done=saved`
          : '/admin/lists/new?done=saved',
      };
    } catch (error) {
      if (!uniqueViolation(error)) throw error;
      return {
        status: 409,
        page: await editPage(req, session, title, action, form, 409, 'slug: a list with this slug already exists'),
      };
    }
  };

  return [
    {
      method: 'get',
      path: '/lists',
      area: 'lists',
      handle: async ({ req, res, session }) => {
        const [lists, counts] = await Promise.all([listLists(deps.db), countListSubscribersByStatus(deps.db)]);
        const rows = lists.map((list) => {
          const byStatus = counts.get(list.id) ?? {};
          return html`<tr><th scope="row"><a href="/admin/lists/${list.id}">${list.name}</a> <span class="muted">${list.slug}</span></th>${STATUSES.map((s) => html`<td>${byStatus[s] ?? 0}</td>`)}<td>${list.public ? 'yes' : 'no'}</td></tr>`;
        });
        const body = html`<h1>Lists</h1>${notice(req.query.done)}
${mayAccess(session.scopes, 'write', 'lists') ? html`<p><a class="button button-primary" href="/admin/lists/new">New list</a></p>` : ''}
<div class="table-scroll"><table><caption>Subscribers of each list, by status</caption>
<thead><tr><th scope="col">List</th>${STATUSES.map((s) => html`<th scope="col">${s}</th>`)}<th scope="col">Public</th></tr></thead>
<tbody>${rows}</tbody></table></div>`;
        res.type('html').send(renderConsolePage(session, { title: 'Lists', section: 'lists' }, body));
      },
    },
    {
      method: 'get',
      path: '/lists/new',
      area: 'lists',
      access: 'write',
      handle: async ({ req, res, session }) => {
        res
          .type('html')
          .send(
            await editPage(
              req,
              session,
              'New list',
              '/admin/lists',
              { public: 'on', maxPapers: '10', minUpvotes: '0' },
              200,
            ),
          );
      },
    },
    {
      method: 'post',
      path: '/lists',
      area: 'lists',
      access: saveOrPreview,
      handle: async ({ req, res, session }) => {
        const outcome = await save(req, session, null, 'New list', '/admin/lists');
        if ('redirect' in outcome) return res.redirect(303, outcome.redirect!);
        res.status(outcome.status).type('html').send(outcome.page);
      },
    },
    {
      method: 'post',
      path: '/lists/preview',
      area: 'lists',
      // A POST only because the draft rule is a form; it saves nothing.
      access: 'read',
      handle: async ({ req, res }) => {
        res.type('html').send((await renderPreview(deps, req.body as Form)).value);
      },
    },
    {
      method: 'get',
      path: '/lists/:id',
      area: 'lists',
      handle: async ({ req, res, session }) => {
        const list = await findList(deps.db, String(req.params.id));
        if (!list)
          return res
            .status(404)
            .type('html')
            .send(renderConsoleMessage(session, 404, 'Not found', 'No such list.'));
        res.type('html').send(await editPage(req, session, list.name, `/admin/lists/${list.id}`, formOf(list), 200));
      },
    },
    {
      method: 'post',
      path: '/lists/:id',
      area: 'lists',
      access: saveOrPreview,
      handle: async ({ req, res, session }) => {
        const list = await findList(deps.db, String(req.params.id));
        if (!list)
          return res
            .status(404)
            .type('html')
            .send(renderConsoleMessage(session, 404, 'Not found', 'No such list.'));
        const outcome = await save(req, session, list, list.name, `/admin/lists/${list.id}`);
        if ('redirect' in outcome) return res.redirect(303, outcome.redirect!);
        res.status(outcome.status).type('html').send(outcome.page);
      },
    },
  ];
}
