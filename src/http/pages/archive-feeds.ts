// A public list's feeds: Atom (RFC 4287) and JSON Feed 1.1, one entry per
// edition, newest first; an entry's content is the edition's cards as HTML.
// Ids are the editions' archive URLs, which never change for a period.
import type { ArchiveList } from '../../digest/archive-repo.js';
import { longDate } from '../../digest/view-model.js';
import { archivePaths } from './archive-pages.js';

export interface FeedEntry {
  period: string;
  published: Date;
  /** The edition as HTML (escaped by the page templates). */
  contentHtml: string;
}

export interface FeedInput {
  list: ArchiveList;
  entries: FeedEntry[];
  publicUrl: string;
}

// XML 1.0 allows no C0 control other than tab, LF and CR, and no lone
// surrogate: titles come from outside, and one such character would make
// the whole feed unreadable to a strict parser.
const NOT_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;
const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

export function escapeXml(value: string): string {
  return value.replace(NOT_XML, '').replace(/[&<>"']/g, (ch) => XML_ESCAPES[ch] ?? ch);
}

function urls(input: FeedInput) {
  const base = input.publicUrl.replace(/\/+$/, '');
  const paths = archivePaths(input.list);
  return {
    home: base,
    list: base + paths.list,
    atom: base + paths.atom,
    json: base + paths.json,
    edition: (period: string) => base + paths.edition(period),
  };
}

const entryTitle = (list: ArchiveList, period: string) => `${list.name} · ${longDate(period)}`;

/** The newest entry's time, or the list's last change when it has none yet (Atom requires one). */
const feedUpdated = (input: FeedInput) => input.entries[0]?.published ?? input.list.updatedAt;

export function renderAtomFeed(input: FeedInput): string {
  const at = urls(input);
  const text = (tag: string, value: string) => `<${tag}>${escapeXml(value)}</${tag}>`;
  const entries = input.entries.map((entry) =>
    [
      '  <entry>',
      `    ${text('id', at.edition(entry.period))}`,
      `    ${text('title', entryTitle(input.list, entry.period))}`,
      `    ${text('published', entry.published.toISOString())}`,
      `    ${text('updated', entry.published.toISOString())}`,
      `    <link rel="alternate" type="text/html" href="${escapeXml(at.edition(entry.period))}"/>`,
      `    <content type="html">${escapeXml(entry.contentHtml)}</content>`,
      '  </entry>',
    ].join('\n'),
  );
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">',
    `  ${text('id', at.list)}`,
    `  ${text('title', `${input.list.name} · Paperboy`)}`,
    ...(input.list.description ? [`  ${text('subtitle', input.list.description)}`] : []),
    `  ${text('updated', feedUpdated(input).toISOString())}`,
    `  <link rel="self" type="application/atom+xml" href="${escapeXml(at.atom)}"/>`,
    `  <link rel="alternate" type="text/html" href="${escapeXml(at.list)}"/>`,
    `  <author>${text('name', 'Paperboy')}${text('uri', at.home)}</author>`,
    '  <generator>Paperboy</generator>',
    ...entries,
    '</feed>',
    '',
  ].join('\n');
}

export function renderJsonFeed(input: FeedInput): string {
  const at = urls(input);
  return JSON.stringify({
    version: 'https://jsonfeed.org/version/1.1',
    title: `${input.list.name} · Paperboy`,
    home_page_url: at.list,
    feed_url: at.json,
    ...(input.list.description ? { description: input.list.description } : {}),
    authors: [{ name: 'Paperboy', url: at.home }],
    language: 'en',
    items: input.entries.map((entry) => ({
      id: at.edition(entry.period),
      url: at.edition(entry.period),
      title: entryTitle(input.list, entry.period),
      content_html: entry.contentHtml,
      date_published: entry.published.toISOString(),
    })),
  });
}
