// Form part shared by the sign-up ("Advanced") and preference pages: the
// reader's interests (phrases one per line, followed authors, arXiv
// categories grouped by archive) and how many papers an email holds. Plain
// HTML controls: it all works without JavaScript.
import { ARXIV_ARCHIVES } from '../../papers/arxiv-taxonomy.js';
import {
  DEFAULT_PAPERS_PER_EMAIL,
  MAX_INTEREST_CHARS,
  MAX_INTEREST_ENTRIES,
  PAPERS_PER_EMAIL,
} from '../../subscriptions/interests.js';
import type { FieldErrors } from './form-errors.js';
import { describedBy, fieldError, FIELD_LABELS } from './form-fields.js';
import { attr, html, SafeHtml } from './html.js';

export interface InterestValues {
  /** Textarea contents, one entry per line. */
  include: string;
  exclude: string;
  authors: string;
  categories: string[];
  papersPerEmail: string;
}

const INTEREST_LABELS = FIELD_LABELS;

export function interestValues(
  source: { include: string[]; exclude: string[]; authors: string[]; categories: string[] },
  papersPerEmail: number,
): InterestValues {
  return {
    include: source.include.join('\n'),
    exclude: source.exclude.join('\n'),
    authors: source.authors.join('\n'),
    categories: source.categories,
    papersPerEmail: String(papersPerEmail),
  };
}

/** What the reader sent, as strings, for a re-rendered form. */
export function postedInterestValues(body: Record<string, unknown>): InterestValues {
  const text = (v: unknown) =>
    typeof v === 'string' ? v.slice(0, MAX_INTEREST_ENTRIES * (MAX_INTEREST_CHARS + 2)) : '';
  const categories = Array.isArray(body.categories)
    ? body.categories
    : body.categories === undefined
      ? []
      : [body.categories];
  return {
    include: text(body.include),
    exclude: text(body.exclude),
    authors: text(body.authors),
    categories: categories.filter((c): c is string => typeof c === 'string').slice(0, 200),
    papersPerEmail: text(body.papersPerEmail) || String(DEFAULT_PAPERS_PER_EMAIL),
  };
}

function textArea(name: 'include' | 'exclude' | 'authors', hint: string, value: string, errors: FieldErrors): SafeHtml {
  return html`<div class="field">
    <label for="${name}">${INTEREST_LABELS[name]}</label>
    <p class="muted" id="${name}-hint">${hint}</p>
    <textarea id="${name}" name="${name}" rows="3"${describedBy(errors, name, `${name}-hint`)}>${value}</textarea>
    ${fieldError(errors, name)}
  </div>`;
}

// The picker with nothing ticked is the same on every sign-up page: built once.
let emptyPicker: SafeHtml | undefined;

function categoryPicker(checked: string[]): SafeHtml {
  const build = (on: Set<string>) =>
    html`${ARXIV_ARCHIVES.map(
      (archive) => html`<details class="category-archive"${attr(
        'open',
        archive.categories.some((c) => on.has(c.id)),
      )}>
    <summary>${archive.name}</summary>
    <fieldset><legend class="visually-hidden">${archive.name}</legend>
    ${archive.categories.map(
      (c) =>
        html`<label class="choice-inline"><input type="checkbox" name="categories" value="${c.id}"${attr('checked', on.has(c.id))}> ${c.name} <span class="muted">${c.id}</span></label>`,
    )}
    </fieldset>
  </details>`,
    )}`;
  if (checked.length) return build(new Set(checked));
  emptyPicker ??= build(new Set());
  return emptyPicker;
}

export function renderInterestFields(values: InterestValues, errors: FieldErrors): SafeHtml {
  return html`<fieldset class="interests">
  <legend>Your interests</legend>
  <p class="muted">Papers matching these get a “For you” section. One phrase per line; “diffusion model” matches “diffusion models”.</p>
  ${textArea('include', 'Phrases to look for in titles and abstracts.', values.include, errors)}
  ${textArea('exclude', 'Papers with these phrases never reach you, in any section.', values.exclude, errors)}
  ${textArea('authors', 'One name per line; case and accents do not matter.', values.authors, errors)}
  <div class="field" id="categories-group"${describedBy(errors, 'categories')}>
    <p class="field-label">${INTEREST_LABELS.categories}</p>
    ${fieldError(errors, 'categories')}
    ${categoryPicker(values.categories)}
  </div>
  <div class="field">
    <label for="papersPerEmail">${INTEREST_LABELS.papersPerEmail}</label>
    <select id="papersPerEmail" name="papersPerEmail"${describedBy(errors, 'papersPerEmail')}>
      ${PAPERS_PER_EMAIL.map((n) => html`<option value="${n}"${attr('selected', values.papersPerEmail === String(n))}>${n}</option>`)}
    </select>
    ${fieldError(errors, 'papersPerEmail')}
  </div>
</fieldset>`;
}
