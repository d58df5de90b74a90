// GET / : the sign-up form and a preview of what a digest holds.
import type { List } from '../../generated/prisma/client.js';
import { DEFAULT_PREFERENCES } from '../../subscriptions/subscriber-input.js';
import type { FieldErrors } from './form-errors.js';
import {
  csrfField,
  errorSummary,
  describedBy,
  fieldError,
  renderListChoices,
  renderScheduleFields,
} from './form-fields.js';
import { attr, html, type SafeHtml } from './html.js';
import { interestValues, renderInterestFields, type InterestValues } from './interest-fields.js';
import { NO_INTERESTS } from '../../digest/matcher.js';
import { DEFAULT_PAPERS_PER_EMAIL } from '../../subscriptions/interests.js';
import { archivePaths, listFeeds, renderFeedLinks } from './archive-pages.js';
import { renderLayout } from './layout.js';
import { excerpt, paperLink, type TrendingPaper } from './trending-papers.js';

/** What the reader typed, as sent (strings), for re-rendering after an error. */
export interface SignupFormValues {
  email?: string;
  lists?: string[];
  frequency?: string;
  weekday?: string;
  sendHour?: string;
  timezone?: string;
  interests?: InterestValues;
}

/** Open when the reader filled it in or got an error there, so a re-rendered form shows it. */
function advancedOpen(values: SignupFormValues, errors: FieldErrors): boolean {
  const i = values.interests;
  const filled = Boolean(
    i &&
    (i.include ||
      i.exclude ||
      i.authors ||
      i.categories.length ||
      i.papersPerEmail !== String(DEFAULT_PAPERS_PER_EMAIL)),
  );
  return filled || ['include', 'exclude', 'authors', 'categories', 'papersPerEmail'].some((field) => errors[field]);
}

export interface LandingData {
  lists: Array<Pick<List, 'slug' | 'name' | 'description'>>;
  papers: TrendingPaper[];
  csrfToken: string;
  values?: SignupFormValues;
  errors?: FieldErrors;
}

function renderPaperCard(paper: TrendingPaper, rank: number): SafeHtml {
  const link = paperLink(paper);
  const meta = [
    paper.organization,
    paper.authorCount ? `${paper.authorCount} author${paper.authorCount === 1 ? '' : 's'}` : null,
  ]
    .filter(Boolean)
    .join(' · ');
  return html`<li class="paper-card">
  <div class="paper-top"><span class="rank">#${rank}</span><span class="upvotes" title="Upvotes"><span aria-hidden="true">▲</span> ${paper.upvotes}<span class="visually-hidden"> upvotes</span></span></div>
  <h3 class="paper-title">${link ? html`<a href="${link}" rel="noopener noreferrer">${paper.title}</a>` : paper.title}</h3>
  ${meta ? html`<p class="paper-meta">${meta}</p>` : ''}
  <p class="paper-abstract">${excerpt(paper.abstract)}</p>
  ${paper.arxivId ? html`<p class="paper-id">arXiv:${paper.arxivId}</p>` : ''}
</li>`;
}

function renderPreview(papers: TrendingPaper[]): SafeHtml {
  if (!papers.length) {
    return html`<section class="preview" aria-labelledby="preview-title">
  <h2 id="preview-title">What you will get</h2>
  <p class="muted">Each digest holds the day's most upvoted papers for your lists, with a short abstract and why it was picked.</p>
</section>`;
  }
  return html`<section class="preview" aria-labelledby="preview-title">
  <div class="section-head">
    <h2 id="preview-title">What you will get: today's top trending papers</h2>
    <p class="muted">A taste of the next digest. Every card links to the paper.</p>
  </div>
  <ol class="paper-grid">${papers.map((paper, i) => renderPaperCard(paper, i + 1))}</ol>
</section>`;
}

/** Each public list's latest edition and feeds: the archive, for those who would rather not sign up. */
function renderArchiveLinks(lists: LandingData['lists']): SafeHtml {
  if (!lists.length) return html``;
  return html`<section class="preview" aria-labelledby="archive-title">
  <div class="section-head">
    <h2 id="archive-title">Read it on the web, or follow a feed</h2>
    <p class="muted">Every list's editions are public. <a href="/archive">Browse the archive</a>.</p>
  </div>
  <ul class="archive-links">${lists.map(
    (list) =>
      html`<li><strong>${list.name}</strong>: <a href="${archivePaths(list).latest}">latest edition<span class="visually-hidden"> of ${list.name}</span></a> · ${renderFeedLinks(list)}</li>`,
  )}</ul>
</section>`;
}

export function renderLandingPage(data: LandingData): string {
  const values = data.values ?? {};
  const errors = data.errors ?? {};
  const chosen = values.lists ?? (data.lists[0] ? [data.lists[0].slug] : []);
  const body = html`<section class="hero">
  <div class="hero-copy">
    <p class="eyebrow">Free · double opt-in · one-click unsubscribe</p>
    <h1>Get trending papers in your email inbox</h1>
    <p class="lede">The research papers everyone is reading, picked by topic and sent when it suits you. No noise: a digest goes out only when there is something new.</p>
    <ul class="perks">
      <li>Choose the topics you care about</li>
      <li>Daily or weekly, at your hour, in your time zone</li>
      <li>Never the same paper twice</li>
    </ul>
  </div>
  <form class="card signup-form" method="post" action="/subscribe" novalidate>
    <h2 class="form-title">Subscribe</h2>
    ${errorSummary(errors)}
    ${csrfField(data.csrfToken)}
    <div class="field">
      <label for="email">Email address</label>
      <input type="email" id="email" name="email" autocomplete="email" inputmode="email" maxlength="254" required placeholder="you@example.org" value="${values.email ?? ''}"${describedBy(errors, 'email')}>
      ${fieldError(errors, 'email')}
    </div>
    ${renderListChoices(
      data.lists.map((list) => ({ ...list, checked: chosen.includes(list.slug) })),
      errors,
      'Lists',
    )}
    ${renderScheduleFields(
      {
        frequency: values.frequency ?? DEFAULT_PREFERENCES.frequency,
        weekday: values.weekday ?? String(DEFAULT_PREFERENCES.weekday),
        sendHour: values.sendHour ?? String(DEFAULT_PREFERENCES.sendHour),
        timezone: values.timezone ?? DEFAULT_PREFERENCES.timezone,
        timezoneIsDefault: values.timezone === undefined,
      },
      errors,
    )}
    <details class="advanced"${attr('open', advancedOpen(values, errors))}>
      <summary>Advanced: your own topics, authors and categories</summary>
      ${renderInterestFields(values.interests ?? interestValues(NO_INTERESTS, DEFAULT_PAPERS_PER_EMAIL), errors)}
    </details>
    <div class="hp" aria-hidden="true">
      <label for="website">Leave this field empty</label>
      <input type="text" id="website" name="website" tabindex="-1" autocomplete="off">
    </div>
    <button type="submit" class="button button-primary"${data.lists.length ? '' : html` disabled`}>Subscribe</button>
    <p class="fine-print">We will email you a link to confirm. Nothing is sent until you click it, and every digest has a one-click unsubscribe.</p>
  </form>
</section>
${renderPreview(data.papers)}
${renderArchiveLinks(data.lists)}`;
  return renderLayout(
    { title: 'Get trending papers in your email inbox', withFormScript: true, feeds: data.lists.flatMap(listFeeds) },
    body,
  );
}
