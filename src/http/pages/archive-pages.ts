// The public archive's pages: the public lists, one list's editions, one
// edition. Public and cached, so nothing here is personal: no reader links,
// no tokens, the cards without "More / Less like this".
import type { ArchiveList } from '../../digest/archive-repo.js';
import type { Edition, EditionPage } from '../../digest/archive.js';
import { longDate, type DigestView } from '../../digest/view-model.js';
import { renderDigestCard } from './digest-page.js';
import { html, type SafeHtml } from './html.js';
import { renderLayout, type FeedLink } from './layout.js';

type ListRef = Pick<ArchiveList, 'slug' | 'name'>;

/** Where a list's archive and feeds live (site-relative). */
export function archivePaths(list: Pick<ListRef, 'slug'>) {
  const slug = encodeURIComponent(list.slug);
  return {
    list: `/archive/${slug}`,
    latest: `/archive/${slug}/latest`,
    edition: (period: string) => `/archive/${slug}/${period}`,
    atom: `/lists/${slug}/feed.atom`,
    json: `/lists/${slug}/feed.json`,
  };
}

/** `<link rel="alternate">` tags for a list's two feeds. */
export function listFeeds(list: ListRef): FeedLink[] {
  const paths = archivePaths(list);
  return [
    { title: `${list.name} (Atom)`, href: paths.atom, type: 'application/atom+xml' },
    { title: `${list.name} (JSON Feed)`, href: paths.json, type: 'application/feed+json' },
  ];
}

/** "Atom · JSON Feed" links, labelled with the list for screen readers. */
export function renderFeedLinks(list: ListRef): SafeHtml {
  const paths = archivePaths(list);
  return html`<a href="${paths.atom}" type="application/atom+xml">Atom<span class="visually-hidden"> feed of ${list.name}</span></a> · <a href="${paths.json}" type="application/feed+json">JSON Feed<span class="visually-hidden"> of ${list.name}</span></a>`;
}

const papersLabel = (n: number) => `${n} paper${n === 1 ? '' : 's'}`;

export function renderArchiveIndex(entries: Array<{ list: ArchiveList; latest: Edition | null }>): string {
  const items = entries.map(({ list, latest }) => {
    const paths = archivePaths(list);
    return html`<li class="card archive-entry">
  <h2><a href="${paths.list}">${list.name}</a></h2>
  ${list.description ? html`<p class="muted">${list.description}</p>` : ''}
  <p>${latest ? html`Latest edition: <a href="${paths.edition(latest.period)}">${longDate(latest.period)}</a> (${papersLabel(latest.paperCount)})` : 'No edition yet.'}</p>
  <p class="archive-feeds">Follow: ${renderFeedLinks(list)}</p>
</li>`;
  });
  return renderLayout(
    {
      title: 'Archive',
      description: 'Every edition of every public Paperboy list, with feeds.',
      feeds: entries.flatMap((e) => listFeeds(e.list)),
    },
    html`<section class="digest-page" aria-labelledby="archive-title">
  <h1 id="archive-title">Archive</h1>
  <p class="lede">Every public list's editions: the papers its readers got each day. Follow a list by feed, or <a href="/">get it by email</a>.</p>
  ${entries.length ? html`<ul class="archive-entries">${items}</ul>` : html`<p>No public lists yet.</p>`}
</section>`,
  );
}

export function renderArchiveListPage(list: ArchiveList, page: EditionPage): string {
  const paths = archivePaths(list);
  const first = page.editions[0];
  const last = page.editions[page.editions.length - 1];
  const pager = [
    page.newer && first ? html`<a rel="prev" href="${paths.list}?after=${first.period}">Newer editions</a>` : '',
    page.older && last ? html`<a rel="next" href="${paths.list}?before=${last.period}">Older editions</a>` : '',
  ];
  return renderLayout(
    { title: `${list.name} archive`, description: `Every edition of the ${list.name} list.`, feeds: listFeeds(list) },
    html`<section class="digest-page" aria-labelledby="archive-title">
  <p class="muted"><a href="/archive">Archive</a></p>
  <h1 id="archive-title">${list.name}</h1>
  ${list.description ? html`<p class="lede">${list.description}</p>` : ''}
  <p class="archive-feeds">Follow: ${renderFeedLinks(list)} · <a href="/">Get it by email</a></p>
  ${
    page.editions.length
      ? html`<ol class="archive-editions">${page.editions.map(
          (e) =>
            html`<li><a href="${paths.edition(e.period)}">${longDate(e.period)}</a> <span class="muted">· ${papersLabel(e.paperCount)}</span></li>`,
        )}</ol>`
      : html`<p>No editions here.</p>`
  }
  ${page.newer || page.older ? html`<nav class="archive-pager" aria-label="More editions">${pager}</nav>` : ''}
</section>`,
  );
}

export function renderEditionPage(edition: Edition, view: DigestView): string {
  const { list } = edition;
  const paths = archivePaths(list);
  const date = longDate(edition.period);
  return renderLayout(
    { title: `${list.name} · ${date}`, description: `The ${list.name} papers of ${date}.`, feeds: listFeeds(list) },
    html`<section class="digest-page" aria-labelledby="edition-title">
  <p class="muted digest-period"><a href="/archive">Archive</a> · <a href="${paths.list}">${list.name}</a></p>
  <h1 id="edition-title">${list.name} · ${date}</h1>
  <p class="lede">${editionIntro(edition)}</p>
  ${renderEditionCards(view)}
  <p class="digest-manage muted">Follow ${list.name}: ${renderFeedLinks(list)} · <a href="/">Get it by email</a></p>
</section>`,
  );
}

export function editionIntro(edition: Pick<Edition, 'paperCount' | 'list'>): string {
  return `The ${papersLabel(edition.paperCount)} a reader of ${edition.list.name} got that day, from the papers first seen the day before.`;
}

/** The edition's cards, lead first: the page's body and each feed entry's content. */
export function renderEditionCards(view: DigestView): SafeHtml {
  return html`${view.lead ? renderDigestCard(view.lead.paper, view.lead.reason, 'Top paper') : ''}
  <div class="digest-cards">${view.sections.flatMap((s) => s.cards.map((c) => renderDigestCard(c.paper, c.reason)))}</div>`;
}
