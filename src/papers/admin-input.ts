// `POST /api/admin/papers`: one paper or an array of them, each either in
// Paperboy's own shape (paperInputSchema) or as a Hugging Face daily-papers
// item (`{ paper: { id, title, … } }`). Malformed items are skipped and
// reported like any other source's.
import { z } from 'zod';
import type { Db } from '../db.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import { hfItemId, readHfItem } from './hf-source.js';
import { IngestError } from './ingest-error.js';
import { storeBatch, type IngestSummary } from './ingest.js';
import { LIMITS } from './paper.js';
import { addItem, emptyBatch, issueReason, type SourceBatch } from './source-batch.js';

export const ADMIN_MAX_PAPERS = 5000;

const httpUrl = z
  .url({ protocol: /^https?$/ })
  .max(LIMITS.url)
  .nullish();
const stringList = (max: number, count: number) => z.array(z.string().max(max)).max(count).nullish();

/** One paper as the admin API takes it. Fields a source does not know are left out, never blanked. */
export const paperInputSchema = z.strictObject({
  arxivId: z
    .string()
    .max(64)
    .nullish()
    .describe('arXiv id, e.g. 2501.00663 (a version suffix or an abs URL is accepted)'),
  title: z
    .string()
    .min(1)
    .max(LIMITS.title * 2),
  abstract: z
    .string()
    .max(LIMITS.abstract * 2)
    .nullish(),
  authors: stringList(LIMITS.author, LIMITS.authors),
  organization: z.string().max(LIMITS.organization).nullish(),
  categories: stringList(LIMITS.category, LIMITS.categories),
  keywords: stringList(LIMITS.keyword, LIMITS.keywords),
  publishedAt: z.union([z.iso.datetime({ offset: true }), z.iso.date()]).nullish(),
  upvotes: z.number().int().min(0).max(LIMITS.upvotes).nullish().describe('left out: keep the stored count'),
  url: httpUrl,
  pdfUrl: httpUrl,
  githubRepo: httpUrl,
  projectPage: httpUrl,
  thumbnail: httpUrl,
});

export type PaperInput = z.infer<typeof paperInputSchema>;

/** The request body: one paper or an array. */
export const paperInputBodySchema = z.union([paperInputSchema, z.array(paperInputSchema).max(ADMIN_MAX_PAPERS)]);

/** Reads the body item by item; a body that is neither an object nor an array fails as a whole. */
export function parseAdminBody(body: unknown): SourceBatch {
  const items = Array.isArray(body) ? body : body !== null && typeof body === 'object' ? [body] : undefined;
  if (!items) throw new IngestError('invalid_input', 'expected a paper object or an array of papers');
  if (items.length > ADMIN_MAX_PAPERS) {
    throw new IngestError('too_large', `at most ${ADMIN_MAX_PAPERS} papers per request (got ${items.length})`);
  }
  const batch = emptyBatch();
  items.forEach((item: unknown, index) => {
    if (item !== null && typeof item === 'object' && 'paper' in item) {
      return addItem(batch, index, hfItemId(item), readHfItem(item));
    }
    const parsed = paperInputSchema.safeParse(item);
    if (!parsed.success) return addItem(batch, index, idOf(item), issueReason(parsed.error.issues));
    const { upvotes, ...fields } = parsed.data;
    addItem(batch, index, fields.arxivId ?? undefined, { ...fields, upvotes: upvotes ?? null });
  });
  return batch;
}

function idOf(item: unknown): string | undefined {
  const id = item !== null && typeof item === 'object' ? (item as { arxivId?: unknown }).arxivId : undefined;
  return typeof id === 'string' && id ? id : undefined;
}

/** Validates and upserts an admin body; throws IngestError (code invalid_input or too_large) for a bad body. */
export async function ingestPaperInput(
  db: Db,
  body: unknown,
  options: { logger?: Logger; metrics?: Metrics } = {},
): Promise<IngestSummary> {
  return storeBatch({ db, ...options }, 'admin', parseAdminBody(body));
}
