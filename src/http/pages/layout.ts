// The page shell shared by every public page: one stylesheet, no inline
// script or style (the CSP allows neither), a skip link, landmarks.
import { html, type SafeHtml } from './html.js';
import { assetUrl } from './static-assets.js';

export interface LayoutOptions {
  title: string;
  description?: string;
  /** Adds the progressive-enhancement script of the sign-up form. */
  withFormScript?: boolean;
  /** Pages reached through personal links must not be indexed. */
  noindex?: boolean;
  /** Feed discovery: `<link rel="alternate">` per feed. */
  feeds?: FeedLink[];
}

export interface FeedLink {
  title: string;
  href: string;
  type: 'application/atom+xml' | 'application/feed+json';
}

export function renderLayout(options: LayoutOptions, body: SafeHtml): string {
  const page = html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${options.title} · Paperboy</title>
<meta name="description" content="${options.description ?? 'Trending research papers, delivered to your inbox.'}">
${options.noindex ? html`<meta name="robots" content="noindex">` : ''}
<meta name="theme-color" content="#4f46e5">
<link rel="icon" href="${assetUrl('favicon.svg')}" type="image/svg+xml">
<link rel="stylesheet" href="${assetUrl('app.css')}">
${(options.feeds ?? []).map((feed) => html`<link rel="alternate" type="${feed.type}" title="${feed.title}" href="${feed.href}">\n`)}
${options.withFormScript ? html`<script src="${assetUrl('signup-form.js')}" defer></script>` : ''}
</head>
<body>
<a class="skip-link" href="#main">Skip to content</a>
<header class="site-header">
  <div class="container header-inner">
    <a class="brand" href="/"><span class="brand-mark" aria-hidden="true">P</span>Paperboy</a>
    <span class="header-note">Trending papers, in your inbox</span>
  </div>
</header>
<main id="main" class="container" tabindex="-1">
${body}
</main>
<footer class="site-footer">
  <div class="container">
    <p>Paperboy sends a digest only when there are new papers that match your lists. Every email has a one-click unsubscribe link.</p>
  </div>
</footer>
</body>
</html>
`;
  return page.value;
}
