// Enrichment's SQL: which papers still wait for their arXiv categories and
// author names, and writing what arXiv said about one batch of them.
import type { Db } from '../db.js';

export interface PendingPaper {
  id: number;
  arxivId: string;
}

/** What the arXiv API said about one paper. */
export interface ArxivMetadata {
  categories: string[];
  authors: string[];
}

// Waiting: an arXiv id, no categories, and never asked about. Hugging Face
// items are the ones that arrive like this; enrichedAt keeps an id that arXiv
// does not know from being asked about again at every run.
const awaiting = { arxivId: { not: null }, enrichedAt: null, categories: { isEmpty: true } } as const;

/** Up to `limit` waiting papers with an id above `afterId`, in id order (a cursor, so a run always ends). */
export async function listPapersAwaitingEnrichment(db: Db, afterId: number, limit: number): Promise<PendingPaper[]> {
  const rows = await db.paper.findMany({
    where: { ...awaiting, id: { gt: afterId } },
    select: { id: true, arxivId: true },
    orderBy: { id: 'asc' },
    take: limit,
  });
  return rows.map((row) => ({ id: row.id, arxivId: row.arxivId! }));
}

export async function hasPapersAwaitingEnrichment(db: Db): Promise<boolean> {
  return (await db.paper.findFirst({ where: awaiting, select: { id: true } })) !== null;
}

// One statement, so a batch is stored whole or not at all. Every paper asked
// about is marked, found or not; what arXiv sent replaces categories and
// author names only where it sent some, so enrichment never blanks a field.
// The author count never shrinks: Hugging Face may have counted more names.
const SAVE_ENRICHMENT = `
UPDATE "Paper" p SET
  categories = CASE WHEN cardinality(x.categories) > 0 THEN x.categories ELSE p.categories END,
  authors = CASE WHEN cardinality(x.authors) > 0 THEN x.authors ELSE p.authors END,
  "authorCount" = GREATEST(p."authorCount", cardinality(x.authors)),
  "enrichedAt" = now() AT TIME ZONE 'UTC',
  "updatedAt" = now() AT TIME ZONE 'UTC'
FROM jsonb_to_recordset($1::jsonb) AS x(id int, categories text[], authors text[])
WHERE p.id = x.id`;

export const ENRICHMENT_SQL = { saveEnrichment: SAVE_ENRICHMENT } as const;

/** Stores one batch's answers; papers missing from `found` are only marked as asked. Returns the rows written. */
export async function saveEnrichment(
  db: Db,
  asked: PendingPaper[],
  found: Map<string, ArxivMetadata>,
): Promise<number> {
  if (asked.length === 0) return 0;
  const rows = asked.map(({ id, arxivId }) => ({
    id,
    categories: found.get(arxivId)?.categories ?? [],
    authors: found.get(arxivId)?.authors ?? [],
  }));
  return db.$executeRawUnsafe(ENRICHMENT_SQL.saveEnrichment, JSON.stringify(rows));
}
