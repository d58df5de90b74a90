// The console's page shell: the public pages' stylesheet plus the console's
// own, one optional script file (no inline script or style: helmet's CSP
// allows neither), a skip link, and a navigation that shows only what the
// session's scopes allow.
import type { ConsoleSession } from '../../admin/console-sessions.js';
import { mayAccess, type Access, type AdminArea } from '../../admin/admin-tokens.js';
import { html, type SafeHtml } from '../pages/html.js';
import { assetUrl } from '../pages/static-assets.js';

export interface ConsolePageOptions {
  title: string;
  /** The nav entry to mark as current. */
  section?: string;
  /** Script files from public/console/, loaded deferred. */
  scripts?: string[];
  styles?: string[];
}

/** Each entry is shown to the sessions its page lets in: the same area and access as the page's route. */
const NAV: Array<{ key: string; href: string; label: string; area: AdminArea; access: Access }> = [
  { key: 'dashboard', href: '/admin', label: 'Dashboard', area: 'stats', access: 'read' },
  { key: 'lists', href: '/admin/lists', label: 'Lists', area: 'lists', access: 'read' },
  { key: 'subscribers', href: '/admin/subscribers', label: 'Subscribers', area: 'subscribers', access: 'read' },
  { key: 'digests', href: '/admin/digests', label: 'Digests', area: 'digests', access: 'read' },
  { key: 'papers', href: '/admin/papers', label: 'Papers', area: 'papers', access: 'read' },
  { key: 'tokens', href: '/admin/tokens', label: 'Tokens', area: 'tokens', access: 'read' },
  { key: 'audit', href: '/admin/audit', label: 'Audit log', area: 'audit', access: 'read' },
  { key: 'api-docs', href: '/admin/api-docs', label: 'API docs', area: 'meta', access: 'read' },
  // The queue dashboard can retry jobs: it asks for digest work (queue-dashboard.ts).
  { key: 'queues', href: '/admin/queues', label: 'Queues', area: 'digests', access: 'write' },
];

/** The hidden field every console form carries. */
export function csrfField(session: ConsoleSession): SafeHtml {
  return html`<input type="hidden" name="_csrf" value="${session.csrfToken}">`;
}

function nav(session: ConsoleSession, current?: string): SafeHtml {
  const items = NAV.filter((item) => mayAccess(session.scopes, item.access, item.area)).map(
    (item) =>
      html`<li><a href="${item.href}"${item.key === current ? html` aria-current="page"` : ''}>${item.label}</a></li>`,
  );
  return html`<nav class="console-nav" aria-label="Console"><ul>${items}</ul></nav>
<form class="sign-out" method="post" action="/admin/sign-out">${csrfField(session)}<span class="muted">${session.name}</span> <button class="button button-secondary" type="submit">Sign out</button></form>`;
}

export function renderConsolePage(session: ConsoleSession | null, options: ConsolePageOptions, body: SafeHtml): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${options.title} · Paperboy admin</title>
<link rel="icon" href="${assetUrl('favicon.svg')}" type="image/svg+xml">
<link rel="stylesheet" href="${assetUrl('app.css')}">
<link rel="stylesheet" href="${assetUrl('console/console.css')}">
${(options.styles ?? []).map((href) => html`<link rel="stylesheet" href="${href}">`)}
${(options.scripts ?? []).map((src) => html`<script src="${src.startsWith('/') ? src : assetUrl(`console/${src}`)}" defer></script>`)}
</head>
<body class="console">
<a class="skip-link" href="#main">Skip to content</a>
<header class="site-header">
  <div class="console-header">
    <a class="brand" href="/admin"><span class="brand-mark" aria-hidden="true">P</span>Paperboy admin</a>
    ${session ? nav(session, options.section) : ''}
  </div>
</header>
<main id="main" class="console-main" tabindex="-1">
${body}
</main>
</body>
</html>
`.value;
}

/** A short page for refusals and dead ends (401, 403, 404). */
export function renderConsoleMessage(
  session: ConsoleSession | null,
  status: number,
  title: string,
  message: string,
): string {
  const action = session
    ? html`<p><a href="/admin">Back to the dashboard</a></p>`
    : html`<p><a href="/admin/sign-in">Sign in</a></p>`;
  return renderConsolePage(
    session,
    { title },
    html`<h1>${title}</h1><p class="notice notice-${status >= 500 ? 'error' : 'warning'}">${message}</p>${action}`,
  );
}
