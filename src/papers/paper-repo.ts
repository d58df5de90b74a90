// Writing papers. Raw SQL here because Prisma cannot say "insert these
// thousand rows, update the ones that exist, and tell me which was which" in
// one statement: createMany has no ON CONFLICT UPDATE and upsert is one row a
// round trip (10,000 papers would be 10,000 round trips).
import type { Db } from '../db.js';
import { titleKey, type PaperRecord, type PaperSource } from './paper.js';

/** Rows per INSERT statement: large enough for few round trips, small enough to keep each statement's JSON a few MB. */
export const UPSERT_CHUNK = 1000;

export interface UpsertResult {
  created: number;
  /** Rows that existed and changed (upvotes or metadata). */
  updated: number;
  /** Rows that existed and were already identical: not written at all. */
  unchanged: number;
}

type Tx = Pick<Db, '$queryRawUnsafe' | '$executeRawUnsafe'>;

// How a re-ingest merges into a stored row: new text wins, but a source that
// does not know a field (arXiv has no upvotes or organisation, the sample
// data no author names) never blanks what another source said. `source` and
// `firstSeenAt` are absent on purpose: they describe the first sighting.
const MERGE: Array<[column: string, expression: string]> = [
  ['"arxivId"', 'COALESCE(EXCLUDED."arxivId", p."arxivId")'],
  ['title', 'EXCLUDED.title'],
  ['abstract', `CASE WHEN EXCLUDED.abstract <> '' THEN EXCLUDED.abstract ELSE p.abstract END`],
  ['authors', 'CASE WHEN cardinality(EXCLUDED.authors) > 0 THEN EXCLUDED.authors ELSE p.authors END'],
  ['"authorCount"', 'CASE WHEN EXCLUDED."authorCount" > 0 THEN EXCLUDED."authorCount" ELSE p."authorCount" END'],
  ['organization', 'COALESCE(EXCLUDED.organization, p.organization)'],
  ['categories', 'CASE WHEN cardinality(EXCLUDED.categories) > 0 THEN EXCLUDED.categories ELSE p.categories END'],
  ['keywords', 'CASE WHEN cardinality(EXCLUDED.keywords) > 0 THEN EXCLUDED.keywords ELSE p.keywords END'],
  ['"publishedAt"', 'COALESCE(EXCLUDED."publishedAt", p."publishedAt")'],
  // $3: whether this statement's rows carry upvotes (arXiv rows do not).
  ['upvotes', 'CASE WHEN $3::boolean THEN EXCLUDED.upvotes ELSE p.upvotes END'],
  ['url', 'COALESCE(EXCLUDED.url, p.url)'],
  ['"pdfUrl"', 'COALESCE(EXCLUDED."pdfUrl", p."pdfUrl")'],
  ['"githubRepo"', 'COALESCE(EXCLUDED."githubRepo", p."githubRepo")'],
  ['"projectPage"', 'COALESCE(EXCLUDED."projectPage", p."projectPage")'],
  ['thumbnail', 'COALESCE(EXCLUDED.thumbnail, p.thumbnail)'],
];

// One statement per chunk: the rows travel as one JSON parameter, because
// unnest() flattens the two-dimensional arrays that per-row author lists
// would need. The WHERE skips rows that would not change, so a re-ingest
// writes (and bumps updatedAt on) only what moved. xmax = 0 holds for a
// freshly inserted tuple and not for one updated by ON CONFLICT: the usual
// way to tell created from updated in the same statement. Timestamps are
// "timestamp without time zone" holding UTC, as Prisma writes them.
const UPSERT_SQL = `
INSERT INTO "Paper" AS p (key, "arxivId", title, abstract, authors, "authorCount", organization, categories, keywords,
  "publishedAt", upvotes, url, "pdfUrl", "githubRepo", "projectPage", thumbnail, source, "firstSeenAt", "updatedAt")
SELECT x.key, x."arxivId", x.title, x.abstract, x.authors, x."authorCount", x.organization, x.categories, x.keywords,
  x."publishedAt" AT TIME ZONE 'UTC', COALESCE(x.upvotes, 0), x.url, x."pdfUrl", x."githubRepo", x."projectPage",
  x.thumbnail, $2, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
FROM jsonb_to_recordset($1::jsonb) AS x(key text, "arxivId" text, title text, abstract text, authors text[],
  "authorCount" int, organization text, categories text[], keywords text[], "publishedAt" timestamptz, upvotes int,
  url text, "pdfUrl" text, "githubRepo" text, "projectPage" text, thumbnail text)
ON CONFLICT (key) DO UPDATE SET
  ${MERGE.map(([column, expression]) => `${column} = ${expression}`).join(',\n  ')},
  "updatedAt" = now() AT TIME ZONE 'UTC'
WHERE (${MERGE.map(([column]) => `p.${column}`).join(', ')})
  IS DISTINCT FROM (${MERGE.map(([, expression]) => expression).join(', ')})
RETURNING p.key, (p.xmax = 0) AS created`;

// A paper first stored without an arXiv id is keyed by its title hash. When
// it comes back with an id, its row takes the id as key instead of a second
// row appearing; unless a row with that id already exists.
const ADOPT_ARXIV_ID_SQL = `
UPDATE "Paper" p SET key = v.arxiv_id, "arxivId" = v.arxiv_id, "updatedAt" = now() AT TIME ZONE 'UTC'
FROM unnest($1::text[], $2::text[]) AS v(title_key, arxiv_id)
WHERE p.key = v.title_key AND p."arxivId" IS NULL
  AND NOT EXISTS (SELECT 1 FROM "Paper" q WHERE q.key = v.arxiv_id OR q."arxivId" = v.arxiv_id)
RETURNING p.key`;

/**
 * Inserts new papers and merges known ones, all in one transaction: either
 * every paper of the run is stored or none is. Keys must be unique in `papers`.
 */
export async function upsertPapers(db: Db, papers: PaperRecord[], source: PaperSource): Promise<UpsertResult> {
  if (papers.length === 0) return { created: 0, updated: 0, unchanged: 0 };
  // Sorted by key, so two concurrent ingests lock rows in the same order and cannot deadlock.
  const sorted = [...papers].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return db.$transaction(
    async (tx) => {
      const adopted = await adoptArxivIds(tx, sorted);
      const result = { created: 0, updated: 0, unchanged: 0 };
      for (const withUpvotes of [true, false]) {
        const group = sorted.filter((p) => (p.upvotes !== null) === withUpvotes);
        for (let i = 0; i < group.length; i += UPSERT_CHUNK) {
          const chunk = group.slice(i, i + UPSERT_CHUNK);
          const rows = await tx.$queryRawUnsafe<Array<{ key: string; created: boolean }>>(
            UPSERT_SQL,
            JSON.stringify(chunk),
            source,
            withUpvotes,
          );
          const written = new Set(rows.map((r) => r.key));
          for (const row of rows) result[row.created ? 'created' : 'updated'] += 1;
          for (const paper of chunk) {
            if (written.has(paper.key)) continue;
            result[adopted.has(paper.key) ? 'updated' : 'unchanged'] += 1;
          }
        }
      }
      return result;
    },
    { timeout: 300_000, maxWait: 30_000 },
  );
}

async function adoptArxivIds(tx: Tx, papers: PaperRecord[]): Promise<Set<string>> {
  const withId = papers.filter((p) => p.arxivId !== null);
  if (withId.length === 0) return new Set();
  const rows = await tx.$queryRawUnsafe<Array<{ key: string }>>(
    ADOPT_ARXIV_ID_SQL,
    withId.map((p) => titleKey(p.title)),
    withId.map((p) => p.arxivId),
  );
  return new Set(rows.map((r) => r.key));
}

export interface PaperSearchHit {
  id: number;
  key: string;
  title: string;
  upvotes: number;
  firstSeenAt: Date;
  rank: number;
}

export interface PaperSearchOptions {
  /** Only papers first seen at or after this time (a digest's window). */
  since?: Date;
  minUpvotes?: number;
  limit?: number;
}

/**
 * Full-text search over title and abstract through the generated `search`
 * tsvector column and its GIN index (raw SQL: Prisma cannot query an
 * Unsupported column). websearch_to_tsquery takes what people type: words
 * (English stemming makes "agents" match "agent"), "quoted phrases", OR, -not;
 * it never throws on odd input. Hidden papers are left out.
 */
export async function searchPapers(db: Db, query: string, options: PaperSearchOptions = {}): Promise<PaperSearchHit[]> {
  const text = query.trim().slice(0, 500);
  if (!text) return [];
  const limit = Math.min(Math.max(1, Math.trunc(options.limit ?? 50)), 1000);
  const since = options.since ?? new Date(0);
  const minUpvotes = Math.max(0, Math.trunc(options.minUpvotes ?? 0));
  const rows = await db.$queryRaw<Array<Omit<PaperSearchHit, 'rank'> & { rank: number | string }>>`
    SELECT p.id, p.key, p.title, p.upvotes, p."firstSeenAt", ts_rank(p.search, q) AS rank
    FROM "Paper" p, websearch_to_tsquery('english', ${text}) AS q
    WHERE p.search @@ q AND NOT p.hidden
      AND p."firstSeenAt" >= ${since} AND p.upvotes >= ${minUpvotes}
    ORDER BY rank DESC, p.upvotes DESC, p.id
    LIMIT ${limit}`;
  return rows.map((row) => ({ ...row, rank: Number(row.rank) }));
}
