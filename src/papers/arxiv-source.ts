// The arXiv API Atom feed: GET /api/query?search_query=…&start=&max_results=
// &sortBy=submittedDate&sortOrder=descending. Titles and abstracts arrive
// hard-wrapped and indented; entities arrive encoded (&amp; …).
import { fetchDocument, type FetchOptions } from './fetch-document.js';
import { IngestError, upstreamSnippet } from './ingest-error.js';
import { normaliseText, parseArxivId } from './paper.js';
import { decodeXmlText, parseXmlDocument } from './parse-document.js';
import { addItem, emptyBatch, mergeBatch, type SourceBatch } from './source-batch.js';

type Node = Record<string, unknown>;

const isNode = (value: unknown): value is Node => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The text of an element, whether it has attributes or not, with entities decoded. */
function textOf(value: unknown): string {
  if (typeof value === 'string') return decodeXmlText(value);
  if (isNode(value) && typeof value['#text'] === 'string') return decodeXmlText(value['#text']);
  return '';
}

const attr = (value: unknown, name: string): string =>
  isNode(value) && typeof value[`@${name}`] === 'string' ? decodeXmlText(value[`@${name}`] as string) : '';

const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : value === undefined ? [] : [value]);

/** Parses one Atom document into a batch; `firstIndex` numbers its entries. */
export function parseAtomDocument(label: string, text: string, contentType = '', firstIndex = 0): SourceBatch {
  const doc = parseXmlDocument(label, text, contentType);
  const feed = isNode(doc) ? doc.feed : undefined;
  if (!isNode(feed))
    throw new IngestError('wrong_shape', `${label}: expected an Atom <feed>, got another XML document`);
  const entries = list(feed.entry);
  throwIfErrorFeed(label, entries);
  const batch = emptyBatch();
  entries.forEach((entry, offset) => {
    const index = firstIndex + offset;
    if (!isNode(entry)) return addItem(batch, index, undefined, 'entry is empty');
    const rawId = textOf(entry.id);
    const arxivId = parseArxivId(rawId);
    if (!arxivId)
      return addItem(batch, index, rawId || undefined, rawId ? `not an arXiv id: ${rawId.slice(0, 80)}` : 'missing id');
    const primary = attr(entry['arxiv:primary_category'], 'term');
    addItem(batch, index, arxivId, {
      arxivId,
      title: textOf(entry.title),
      abstract: textOf(entry.summary),
      authors: list(entry.author).map((a) => textOf(isNode(a) ? a.name : a)),
      categories: [primary, ...list(entry.category).map((c) => attr(c, 'term'))].filter(Boolean),
      publishedAt: textOf(entry.published) || textOf(entry.updated),
      // arXiv knows nothing of upvotes: null keeps what Hugging Face said.
      upvotes: null,
    });
  });
  return batch;
}

/** arXiv reports a bad query as a feed with one entry whose id is …/api/errors#…. */
function throwIfErrorFeed(label: string, entries: unknown[]): void {
  const first = entries[0];
  if (entries.length !== 1 || !isNode(first) || !textOf(first.id).includes('/api/errors')) return;
  const message = upstreamSnippet(textOf(first.summary) || textOf(first.title));
  throw new IngestError('upstream_error', `${label}: the API answered an error: ${message}`);
}

export interface ArxivRequest {
  /** arXiv search_query syntax, e.g. `cat:cs.CL AND abs:retrieval`. */
  query?: string;
  maxResults?: number;
  pageSize?: number;
  /** arXiv asks clients to wait 3 s between calls. */
  pageDelayMs?: number;
}

export const ARXIV_DEFAULT_QUERY = 'cat:cs.AI OR cat:cs.CL OR cat:cs.CV OR cat:cs.LG';
export const ARXIV_MAX_RESULTS = 2000;

/** Fetches the newest submissions matching the query, page by page, up to maxResults. */
export async function fetchArxivPapers(
  baseUrl: string,
  request: ArxivRequest,
  options: FetchOptions,
): Promise<SourceBatch> {
  const query = normaliseText(request.query ?? '') || ARXIV_DEFAULT_QUERY;
  if (query.length > 1000) throw new IngestError('invalid_input', 'arXiv query is longer than 1000 characters');
  const maxResults = Math.min(Math.max(1, request.maxResults ?? 100), ARXIV_MAX_RESULTS);
  const pageSize = Math.min(Math.max(1, request.pageSize ?? 100), maxResults);
  const run = emptyBatch();
  for (let start = 0; start < maxResults; start += pageSize) {
    if (start > 0) await new Promise((resolve) => setTimeout(resolve, request.pageDelayMs ?? 3000));
    const size = Math.min(pageSize, maxResults - start);
    const params = new URLSearchParams({
      search_query: query,
      start: String(start),
      max_results: String(size),
      sortBy: 'submittedDate',
      sortOrder: 'descending',
    });
    const doc = await fetchDocument(
      'arXiv API',
      `${baseUrl}/api/query?${params.toString()}`,
      options,
      'application/atom+xml',
    );
    const batch = parseAtomDocument(`arXiv API start=${start}`, doc.text, doc.contentType, run.fetched);
    mergeBatch(run, batch);
    if (batch.fetched < size) break;
  }
  return run;
}
