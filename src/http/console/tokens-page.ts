// /admin/tokens and /admin/audit: create a token (its secret shown once, on
// the answer to the form, never again), revoke one, read the audit log.
import type { ConsoleSession } from '../../admin/console-sessions.js';
import {
  SCOPES,
  TokenNameSchema,
  createAdminToken,
  listAdminTokens,
  revokeAdminToken,
  type Scope,
} from '../../admin/admin-tokens.js';
import { readAuditLog, recordAudit } from '../../admin/audit-log.js';
import type { AppDeps } from '../app.js';
import { html, type SafeHtml } from '../pages/html.js';
import { formError, notice, positiveId, when } from './format.js';
import { csrfField, renderConsoleMessage, renderConsolePage } from './layout.js';
import type { ConsoleRoute } from './route.js';

export function tokensPage(deps: AppDeps): ConsoleRoute[] {
  const page = async (session: ConsoleSession, top: SafeHtml, status = 200) => {
    const tokens = await listAdminTokens(deps.db, { includeRevoked: true });
    const rows = tokens.map(
      (
        t,
      ) => html`<tr><th scope="row">${t.name}</th><td>${when(t.createdAt)}</td><td>${when(t.lastUsedAt)}</td><td>${t.revokedAt ? `revoked ${when(t.revokedAt)}` : 'active'}</td>
<td>${t.revokedAt ? '' : html`<form method="post" action="/admin/tokens/${t.id}/revoke">${csrfField(session)}<button class="button button-danger button-small" type="submit">Revoke<span class="visually-hidden"> ${t.name}</span></button></form>`}</td></tr>`,
    );
    const body = html`<h1>Tokens</h1>${top}
<form class="toolbar card" method="post" action="/admin/tokens">${csrfField(session)}
<div class="field"><label for="name">Name of the new token</label><input id="name" name="name" type="text" required maxlength="100"></div>
<fieldset class="field"><legend>Scopes</legend>${SCOPES.map((s) => html`<label><input type="checkbox" name="scopes" value="${s}"${s === 'read' ? html` checked` : ''}> ${s}</label> `)}</fieldset>
<button class="button button-primary" type="submit">Create token</button></form>
<div class="table-scroll"><table><caption>API tokens</caption><thead><tr><th scope="col">Name</th><th scope="col">Created</th><th scope="col">Last used</th><th scope="col">State</th><th scope="col">Action</th></tr></thead><tbody>${rows}</tbody></table></div>`;
    return { status, page: renderConsolePage(session, { title: 'Tokens', section: 'tokens' }, body) };
  };
  const send = (res: import('express').Response, out: { status: number; page: string }) =>
    res.status(out.status).type('html').send(out.page);

  return [
    {
      method: 'get',
      path: '/tokens',
      area: 'tokens',
      handle: async ({ req, res, session }) => send(res, await page(session, notice(req.query.done))),
    },
    {
      method: 'post',
      path: '/tokens',
      area: 'tokens',
      handle: async ({ req, res, session }) => {
        const name = TokenNameSchema.safeParse((req.body as Record<string, unknown>).name);
        if (!name.success)
          return send(res, await page(session, formError('name: one line of 1 to 100 characters'), 400));
        const posted = (req.body as Record<string, unknown>).scopes;
        const scopes = (Array.isArray(posted) ? posted : [posted]).filter((v): v is Scope =>
          (SCOPES as readonly unknown[]).includes(v),
        );
        if (!scopes.length) return send(res, await page(session, formError('scopes: choose at least one'), 400));
        const { token, info } = await createAdminToken(deps.db, name.data, scopes);
        await recordAudit(deps.db, {
          tokenId: session.tokenId,
          tokenName: session.name,
          action: 'consoleCreateToken',
          target: `/admin/tokens/${info.id}`,
          ip: req.ip ?? null,
        });
        deps.logger.info({ event: 'admin_token_created', tokenId: info.id }, 'admin token created in the console');
        const shown = html`<section class="notice notice-success" role="status" aria-labelledby="new-token-h"><h2 id="new-token-h">Token "${info.name}" created</h2>
<p>Copy it now: it is shown this once and cannot be read again.</p><p class="token-once" id="new-token">${token}</p></section>`;
        send(res, await page(session, shown, 201));
      },
    },
    {
      method: 'post',
      path: '/tokens/:id/revoke',
      area: 'tokens',
      handle: async ({ req, res, session }) => {
        const id = positiveId(req.params.id);
        const revoked = id > 0 && (await revokeAdminToken(deps.db, id));
        if (!revoked)
          return res
            .status(404)
            .type('html')
            .send(renderConsoleMessage(session, 404, 'Not found', 'No such active token.'));
        await recordAudit(deps.db, {
          tokenId: session.tokenId,
          tokenName: session.name,
          action: 'consoleRevokeToken',
          target: `/admin/tokens/${id}`,
          ip: req.ip ?? null,
        });
        res.redirect(303, '/admin/tokens?done=revoked');
      },
    },
    {
      method: 'get',
      path: '/audit',
      area: 'audit',
      handle: async ({ req, res, session }) => {
        const after = Number(req.query.after);
        const log = await readAuditLog(deps.db, {
          beforeId: Number.isSafeInteger(after) && after > 0 ? after : undefined,
          limit: 100,
        });
        const body = html`<div class="table-scroll"><table><caption>Admin changes, newest first</caption><thead><tr><th scope="col">When</th><th scope="col">Who</th><th scope="col">What</th><th scope="col">On</th><th scope="col">From</th></tr></thead>
<tbody>${log.items.map((e) => html`<tr><th scope="row">${when(e.createdAt)}</th><td>${e.tokenName}</td><td>${e.action}</td><td>${e.target}</td><td>${e.ip ?? '—'}</td></tr>`)}</tbody></table></div>
${log.nextCursor ? html`<nav class="pager" aria-label="Pages"><a href="/admin/audit?after=${log.nextCursor}">Older entries</a></nav>` : ''}`;
        res
          .type('html')
          .send(renderConsolePage(session, { title: 'Audit log', section: 'audit' }, html`<h1>Audit log</h1>${body}`));
      },
    },
  ];
}
