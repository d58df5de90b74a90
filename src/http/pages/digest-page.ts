// GET /digests/:id as a site page: the delivery's papers, drawn from the same
// view model as the email, inside the site's header and footer. It is the
// "view in browser" target, so it never links to itself.
import type { DeliveryView } from '../../digest/digest-service.js';
import { metaLine } from '../../digest/digest-text.js';
import type { PaperCard } from '../../digest/view-model.js';
import { html, type SafeHtml } from './html.js';
import { renderLayout } from './layout.js';

/** A digest card; `lead` is the eyebrow of the top card, which stands out. The archive draws the same cards. */
export function renderDigestCard(card: PaperCard, reason: string, lead?: string): SafeHtml {
  const title = html`<a href="${card.url}" rel="noopener noreferrer">${card.title}</a>`;
  return html`<article class="paper-card digest-card${lead ? ' digest-lead' : ''}">
  ${lead ? html`<p class="eyebrow">${lead}</p>` : ''}
  ${lead ? html`<h2 class="paper-title">${title}</h2>` : html`<h3 class="paper-title">${title}</h3>`}
  <p class="paper-meta">${metaLine(card)}</p>
  <p class="paper-abstract">${card.summary}</p>
  ${reason ? html`<p class="digest-why">${reason}</p>` : ''}
  ${card.links.length ? html`<ul class="digest-links" aria-label="Links for this paper">${card.links.map((l) => html`<li><a href="${l.url}" rel="noopener noreferrer">${l.label}</a></li>`)}</ul>` : ''}
</article>`;
}

export function renderDigestPage(delivery: DeliveryView): string {
  const { view, links } = delivery;
  return renderLayout(
    { title: `${view.heading} · ${view.periodLabel}`, noindex: true },
    html`<section class="digest-page" aria-labelledby="digest-title">
  <p class="muted digest-period">${view.periodLabel}</p>
  <h1 id="digest-title">${view.heading}</h1>
  <p class="lede">${view.intro}</p>
  ${view.lead ? renderDigestCard(view.lead.paper, view.lead.reason, 'Top paper for you') : ''}
  ${view.sections.map(
    (section) => html`<section class="digest-section">
  <h2>${section.title}</h2>
  <div class="digest-cards">${section.cards.map((c) => renderDigestCard(c.paper, c.reason))}</div>
</section>`,
  )}
  <p class="digest-manage muted"><a href="${links.preferences}">Change your lists or schedule</a> · <a href="${links.unsubscribe}">Unsubscribe</a></p>
</section>`,
  );
}
