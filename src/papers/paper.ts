// The one Paper shape every source turns its format into, and the rules that
// make two sightings of a paper land on the same row: text normalisation, the
// arXiv id, the canonical key, and the caps on what outside text may hold.
import { createHash } from 'node:crypto';

/** A normalised paper, ready for upsert. Text is plain text: never HTML. */
export interface PaperRecord {
  /** The arXiv id where known, else "title:<sha256 of the normalised title>". */
  key: string;
  arxivId: string | null;
  title: string;
  abstract: string;
  authors: string[];
  authorCount: number;
  organization: string | null;
  categories: string[];
  keywords: string[];
  publishedAt: Date | null;
  /** null: this source does not know upvotes (arXiv), so a re-ingest keeps the stored count. */
  upvotes: number | null;
  url: string | null;
  pdfUrl: string | null;
  githubRepo: string | null;
  projectPage: string | null;
  thumbnail: string | null;
}

/** What a source could read from one item, before normalisation. */
export interface PaperFields {
  arxivId?: string | null;
  title?: string | null;
  abstract?: string | null;
  authors?: string[] | null;
  /** When a source gives only a count (the sample data set), or more names than we keep. */
  authorCount?: number | null;
  organization?: string | null;
  categories?: string[] | null;
  keywords?: string[] | null;
  publishedAt?: string | null;
  upvotes?: number | null;
  url?: string | null;
  pdfUrl?: string | null;
  githubRepo?: string | null;
  projectPage?: string | null;
  thumbnail?: string | null;
}

/**
 * Caps on outside text. Longer values are cut (a paper with a long abstract
 * is still a paper); list entries past the cap are dropped.
 */
export const LIMITS = {
  title: 500,
  abstract: 10_000,
  author: 200,
  authors: 500,
  organization: 200,
  category: 40,
  categories: 20,
  keyword: 100,
  keywords: 50,
  url: 2048,
  upvotes: 10_000_000,
} as const;

export const PAPER_SOURCES = ['hf', 'arxiv', 'file', 'admin'] as const;
export type PaperSource = (typeof PAPER_SOURCES)[number];

// C0/C1 control characters other than whitespace: Postgres rejects NUL in
// text, and the rest only ever corrupt a rendered title.

const CONTROL = /[\u0000-\u0008\u000e-\u001f\u007f-\u009f]/g;

// A UTF-16 surrogate without its pair: JSON.parse lets "\ud800" through, but
// Postgres refuses it in the JSON that loads a run, failing the whole batch.
const LONE_SURROGATE = /\p{Cs}/gu;

/** Collapses hard line breaks and runs of spaces (arXiv wraps titles and abstracts) to single spaces. */
export function normaliseText(value: string): string {
  return value.replace(CONTROL, '').replace(LONE_SURROGATE, '\uFFFD').replace(/\s+/g, ' ').trim();
}

/** Cuts to at most `max` UTF-16 units without splitting a surrogate pair; marks the cut with an ellipsis. */
export function capText(value: string, max: number): string {
  if (value.length <= max) return value;
  let end = max - 1;
  const code = value.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end -= 1;
  return `${value.slice(0, end).trimEnd()}…`;
}

const NEW_STYLE = /^\d{4}\.\d{4,5}$/;
const OLD_STYLE = /^[a-z][a-z-]*(\.[a-z]{2})?\/\d{7}$/i;

/**
 * The bare arXiv id ("2501.00663", "hep-th/9901001") from an id, an
 * "arXiv:" id, a versioned id or an abs/pdf URL; null when it is none of those.
 */
export function parseArxivId(raw: string): string | null {
  let value = raw.trim();
  const fromUrl = /^https?:\/\/(?:export\.)?arxiv\.org\/(?:abs|pdf)\/(.+?)(?:\.pdf)?$/i.exec(value);
  if (fromUrl?.[1]) value = fromUrl[1];
  value = value.replace(/^arxiv:/i, '').replace(/v\d+$/, '');
  return NEW_STYLE.test(value) || OLD_STYLE.test(value) ? value : null;
}

/** The key of a paper without an arXiv id: the same title, however spaced or cased, gives the same key. */
export function titleKey(title: string): string {
  const canonical = normaliseText(title).normalize('NFKC').toLowerCase();
  return `title:${createHash('sha256').update(canonical).digest('hex')}`;
}

/** An http(s) URL within the length cap, or null: a `javascript:` link must never reach an email. */
export function httpUrl(raw: string | null | undefined): string | null {
  if (!raw) return null;
  const value = raw.trim();
  if (value.length === 0 || value.length > LIMITS.url) return null;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.toString() : null;
  } catch {
    return null;
  }
}

function cleanList(values: string[] | null | undefined, maxEach: number, maxCount: number): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const raw of values ?? []) {
    const value = capText(normaliseText(raw), maxEach);
    if (!value || seen.has(value)) continue;
    seen.add(value);
    out.push(value);
    if (out.length >= maxCount) break;
  }
  return out;
}

function parseDate(raw: string | null | undefined): Date | null {
  if (!raw) return null;
  const date = new Date(raw);
  const year = date.getUTCFullYear();
  return Number.isNaN(date.getTime()) || year < 1990 || year > 2200 ? null : date;
}

export type BuildResult = { ok: true; paper: PaperRecord } | { ok: false; reason: string };

/** Normalises one item's fields into a PaperRecord, or says why it cannot be one. */
export function buildPaper(fields: PaperFields): BuildResult {
  let arxivId: string | null = null;
  if (fields.arxivId != null && fields.arxivId !== '') {
    arxivId = parseArxivId(fields.arxivId);
    if (!arxivId) return { ok: false, reason: `not an arXiv id: ${JSON.stringify(capText(fields.arxivId, 40))}` };
  }
  const title = capText(normaliseText(fields.title ?? ''), LIMITS.title);
  if (!title) return { ok: false, reason: 'missing title' };
  const authors = cleanList(fields.authors, LIMITS.author, LIMITS.authors);
  const upvotes = fields.upvotes == null ? null : Math.min(Math.max(0, Math.trunc(fields.upvotes)), LIMITS.upvotes);
  const organization = fields.organization ? capText(normaliseText(fields.organization), LIMITS.organization) : '';
  return {
    ok: true,
    paper: {
      key: arxivId ?? titleKey(title),
      arxivId,
      title,
      abstract: capText(normaliseText(fields.abstract ?? ''), LIMITS.abstract),
      authors,
      authorCount: Math.min(Math.max(authors.length, Math.trunc(fields.authorCount ?? 0)), 100_000),
      organization: organization || null,
      categories: cleanList(fields.categories, LIMITS.category, LIMITS.categories),
      keywords: cleanList(fields.keywords, LIMITS.keyword, LIMITS.keywords),
      publishedAt: parseDate(fields.publishedAt),
      upvotes,
      url: httpUrl(fields.url) ?? (arxivId ? `https://arxiv.org/abs/${arxivId}` : null),
      pdfUrl: httpUrl(fields.pdfUrl) ?? (arxivId ? `https://arxiv.org/pdf/${arxivId}` : null),
      githubRepo: httpUrl(fields.githubRepo),
      projectPage: httpUrl(fields.projectPage),
      thumbnail: httpUrl(fields.thumbnail),
    },
  };
}
