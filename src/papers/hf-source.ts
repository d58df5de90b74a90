// The Hugging Face daily-papers JSON API: GET /api/daily_papers?date=&limit=&p=
// returns an array of items, `{ paper: { id (the arXiv id), title, summary,
// authors: [{ name }], upvotes, publishedAt, organization?, ai_keywords?,
// githubRepo?, projectPage? }, title, summary, thumbnail, publishedAt, … }`.
import { z } from 'zod';
import { fetchDocument, type FetchOptions } from './fetch-document.js';
import { IngestError, upstreamSnippet } from './ingest-error.js';
import { type PaperFields } from './paper.js';
import { parseJsonDocument } from './parse-document.js';
import { addItem, emptyBatch, issueReason, mergeBatch, type SourceBatch } from './source-batch.js';

const optionalText = z.string().nullish();
const organization = z.looseObject({ name: optionalText, fullname: optionalText }).nullish();

const hfItemSchema = z.looseObject({
  paper: z.looseObject({
    id: optionalText,
    title: optionalText,
    summary: optionalText,
    authors: z.array(z.looseObject({ name: z.string() })).nullish(),
    /** Not in the API: the sample data set gives a count where the page shows no names. */
    authorCount: z.number().int().nonnegative().nullish(),
    upvotes: z.number().int().nonnegative().nullish(),
    publishedAt: optionalText,
    organization,
    ai_keywords: z.array(z.string()).nullish(),
    githubRepo: optionalText,
    projectPage: optionalText,
  }),
  title: optionalText,
  summary: optionalText,
  thumbnail: optionalText,
  organization,
});

type HfItem = z.infer<typeof hfItemSchema>;

/** Parses one daily-papers document (one page) into a batch; `firstIndex` numbers its items. */
export function parseHfDocument(label: string, text: string, contentType = '', firstIndex = 0): SourceBatch {
  const data = parseJsonDocument(label, text, contentType);
  if (!Array.isArray(data)) {
    const upstream = data && typeof data === 'object' && 'error' in data ? data.error : undefined;
    if (typeof upstream === 'string') {
      throw new IngestError('upstream_error', `${label}: the API answered an error: ${upstreamSnippet(upstream)}`);
    }
    throw new IngestError('wrong_shape', `${label}: expected a JSON array of daily-paper items, got ${describe(data)}`);
  }
  const batch = emptyBatch();
  data.forEach((raw: unknown, offset) => addItem(batch, firstIndex + offset, hfItemId(raw), readHfItem(raw)));
  return batch;
}

/** One daily-papers item as PaperFields, or the reason it is malformed. */
export function readHfItem(raw: unknown): PaperFields | string {
  const parsed = hfItemSchema.safeParse(raw);
  return parsed.success ? toFields(parsed.data) : issueReason(parsed.error.issues);
}

function toFields(item: HfItem): PaperFields {
  const paper = item.paper;
  const org = paper.organization ?? item.organization;
  return {
    arxivId: paper.id,
    title: paper.title ?? item.title,
    abstract: paper.summary ?? item.summary,
    authors: (paper.authors ?? []).map((a) => a.name),
    authorCount: Math.max(paper.authors?.length ?? 0, paper.authorCount ?? 0),
    organization: org?.fullname || org?.name || null,
    keywords: paper.ai_keywords ?? [],
    // Item-level publishedAt is the day the paper was on the daily page, not
    // when it was published: it is no fallback for a missing paper date.
    publishedAt: paper.publishedAt,
    upvotes: paper.upvotes ?? 0,
    githubRepo: paper.githubRepo,
    projectPage: paper.projectPage,
    thumbnail: item.thumbnail,
  };
}

export function hfItemId(raw: unknown): string | undefined {
  const paper = raw && typeof raw === 'object' ? (raw as { paper?: unknown }).paper : undefined;
  const id = paper && typeof paper === 'object' ? (paper as { id?: unknown }).id : undefined;
  return typeof id === 'string' && id ? id : undefined;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  return Array.isArray(value) ? 'an array' : `a${typeof value === 'object' ? 'n' : ''} ${typeof value}`;
}

export interface HfRequest {
  /** YYYY-MM-DD; the daily page of that UTC date. */
  date: string;
  pageSize?: number;
  maxPages?: number;
}

export const HF_PAGE_SIZE = 100;
export const HF_MAX_PAGES = 20;

export function checkDate(date: string): string {
  const valid = /^\d{4}-\d{2}-\d{2}$/.test(date) && new Date(`${date}T00:00:00Z`).toISOString().startsWith(date);
  if (!valid) throw new IngestError('invalid_input', `not a date (YYYY-MM-DD): ${JSON.stringify(date.slice(0, 40))}`);
  return date;
}

/**
 * Fetches every page of one day. Stops at a short page, an empty page, a page
 * of nothing new (a server that ignores `p`), or maxPages. Any page failing
 * fails the whole run: nothing is stored from a half-read day.
 */
export async function fetchHfPapers(baseUrl: string, request: HfRequest, options: FetchOptions): Promise<SourceBatch> {
  const date = checkDate(request.date);
  const pageSize = Math.min(Math.max(1, request.pageSize ?? HF_PAGE_SIZE), HF_PAGE_SIZE);
  const maxPages = request.maxPages ?? HF_MAX_PAGES;
  const run = emptyBatch();
  const seen = new Set<string>();
  for (let page = 0; page < maxPages; page++) {
    const url = `${baseUrl}/api/daily_papers?date=${date}&limit=${pageSize}&p=${page}`;
    const doc = await fetchDocument('Hugging Face daily papers', url, options, 'application/json');
    const batch = parseHfDocument(
      `Hugging Face daily papers ${date} page ${page}`,
      doc.text,
      doc.contentType,
      run.fetched,
    );
    const keys = batch.papers.map((p) => p.paper.key);
    const nothingNew = keys.length > 0 && keys.every((key) => seen.has(key));
    if (nothingNew) break;
    keys.forEach((key) => seen.add(key));
    mergeBatch(run, batch);
    if (batch.fetched < pageSize) break;
  }
  return run;
}
