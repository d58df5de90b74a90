// Writing papers. Raw SQL here because Prisma cannot say "insert these
// thousand rows, update the ones that changed, and tell me which was which"
// in a few statements: createMany has no ON CONFLICT UPDATE, and upsert is
// one row a round trip (10,000 papers would be 10,000 round trips).
import { queryPrepared, type Db } from '../db.js';
import type { List } from '../generated/prisma/client.js';
import { titleKey, type PaperRecord, type PaperSource } from './paper.js';

/** Rows per load statement: few round trips, each parameter a few MB at most. */
export const UPSERT_CHUNK = 2000;

export interface UpsertResult {
  created: number;
  /** Rows that existed and changed (upvotes or metadata). */
  updated: number;
  /** Rows that existed and were already identical: not written at all. */
  unchanged: number;
}

type Tx = Pick<Db, '$queryRawUnsafe' | '$executeRawUnsafe'>;

// How a re-ingest merges input row x into stored row p: new text wins, but a
// source that does not know a field (arXiv has no upvotes or organisation,
// the sample data no author names) never blanks what another source said.
// `source` and `firstSeenAt` are absent on purpose: they describe the first
// sighting. Title and abstract come apart from the rest because "search" is
// a generated tsvector column: Postgres recomputes it (and rewrites its GIN
// entries) only when an UPDATE sets a column it depends on, so an update of
// upvotes alone must not name title or abstract.
const TEXT_MERGE: Array<[column: string, expression: string]> = [
  ['title', 'x.title'],
  ['abstract', `CASE WHEN x.abstract <> '' THEN x.abstract ELSE p.abstract END`],
];
const OTHER_MERGE: Array<[column: string, expression: string]> = [
  ['"arxivId"', 'COALESCE(x."arxivId", p."arxivId")'],
  ['authors', 'CASE WHEN cardinality(x.authors) > 0 THEN x.authors ELSE p.authors END'],
  ['"authorCount"', 'CASE WHEN x."authorCount" > 0 THEN x."authorCount" ELSE p."authorCount" END'],
  ['organization', 'COALESCE(x.organization, p.organization)'],
  ['categories', 'CASE WHEN cardinality(x.categories) > 0 THEN x.categories ELSE p.categories END'],
  ['keywords', 'CASE WHEN cardinality(x.keywords) > 0 THEN x.keywords ELSE p.keywords END'],
  ['"publishedAt"', `COALESCE(x."publishedAt" AT TIME ZONE 'UTC', p."publishedAt")`],
  ['upvotes', 'COALESCE(x.upvotes, p.upvotes)'],
  ['url', 'COALESCE(x.url, p.url)'],
  ['"pdfUrl"', 'COALESCE(x."pdfUrl", p."pdfUrl")'],
  ['"githubRepo"', 'COALESCE(x."githubRepo", p."githubRepo")'],
  ['"projectPage"', 'COALESCE(x."projectPage", p."projectPage")'],
  ['thumbnail', 'COALESCE(x.thumbnail, p.thumbnail)'],
];

const set = (merge: typeof OTHER_MERGE) => merge.map(([column, expression]) => `${column} = ${expression}`).join(', ');
const stored = (merge: typeof OTHER_MERGE) => `(${merge.map(([column]) => `p.${column}`).join(', ')})`;
const merged = (merge: typeof OTHER_MERGE) => `(${merge.map(([, expression]) => expression).join(', ')})`;
// Timestamps are "timestamp without time zone" holding UTC, as Prisma writes them.
const NOW = `now() AT TIME ZONE 'UTC'`;

// The run's papers go to a temporary table first, loaded a chunk at a time
// as one JSON parameter (unnest() would flatten the per-row author arrays);
// the statements below then work on whole sets.
const CREATE_INPUT = `
CREATE TEMP TABLE paper_input (key text PRIMARY KEY, "titleKey" text, "arxivId" text, title text, abstract text,
  authors text[], "authorCount" int, organization text, categories text[], keywords text[], "publishedAt" timestamptz,
  upvotes int, url text, "pdfUrl" text, "githubRepo" text, "projectPage" text, thumbnail text) ON COMMIT DROP`;
const LOAD_INPUT = `INSERT INTO paper_input SELECT * FROM jsonb_populate_recordset(NULL::paper_input, $1::jsonb)`;

// A paper first stored without an arXiv id is keyed by its title hash. When
// it comes back with an id, that row takes the id as its key instead of a
// second row appearing (unless a row with the id already exists).
const ADOPT_ARXIV_IDS = `
UPDATE "Paper" p SET key = x."arxivId", "arxivId" = x."arxivId", "updatedAt" = ${NOW}
FROM paper_input x
WHERE x."arxivId" IS NOT NULL AND p.key = x."titleKey" AND p."arxivId" IS NULL
  AND NOT EXISTS (SELECT 1 FROM "Paper" q WHERE q.key = x."arxivId" OR q."arxivId" = x."arxivId")
RETURNING p.key`;

// Rows whose title or abstract changed: everything is set.
const UPDATE_TEXT = `
UPDATE "Paper" p SET ${set(TEXT_MERGE)}, ${set(OTHER_MERGE)}, "updatedAt" = ${NOW}
FROM paper_input x
WHERE p.key = x.key AND ${stored(TEXT_MERGE)} IS DISTINCT FROM ${merged(TEXT_MERGE)}
RETURNING p.key`;

// Rows whose text is the same but something else moved (usually upvotes).
// Identical rows are not written at all, so updatedAt means "changed".
const UPDATE_OTHER = `
UPDATE "Paper" p SET ${set(OTHER_MERGE)}, "updatedAt" = ${NOW}
FROM paper_input x
WHERE p.key = x.key AND ${stored(OTHER_MERGE)} IS DISTINCT FROM ${merged(OTHER_MERGE)}
RETURNING p.key`;

// Runs are serialised by the advisory lock below, so no other ingest can
// insert these keys between the NOT EXISTS and the insert; DO NOTHING only
// guards against a writer outside ingest.
const INSERT_NEW = `
INSERT INTO "Paper" (key, "arxivId", title, abstract, authors, "authorCount", organization, categories, keywords,
  "publishedAt", upvotes, url, "pdfUrl", "githubRepo", "projectPage", thumbnail, source, "firstSeenAt", "updatedAt")
SELECT x.key, x."arxivId", x.title, x.abstract, x.authors, x."authorCount", x.organization, x.categories, x.keywords,
  x."publishedAt" AT TIME ZONE 'UTC', COALESCE(x.upvotes, 0), x.url, x."pdfUrl", x."githubRepo", x."projectPage",
  x.thumbnail, $1, ${NOW}, ${NOW}
FROM paper_input x
WHERE NOT EXISTS (SELECT 1 FROM "Paper" p WHERE p.key = x.key)
ON CONFLICT (key) DO NOTHING
RETURNING key`;

// One ingest writes at a time (a cron tick, a CLI run and an admin POST may
// overlap): no deadlock between two runs updating the same rows in different
// orders, and no insert race. Runs take seconds, so waiting is cheap.
const LOCK_INGEST = `SELECT 1 AS locked FROM pg_advisory_xact_lock(hashtext('paperboy:paper-ingest'))`;

// Full-text search: see searchPapers. $1 the query text, $2 first seen since, $3 minimum upvotes, $4 limit.
const SEARCH = `
  SELECT p.id, p.key, p.title, p.upvotes, p."firstSeenAt", ts_rank(p.search, q) AS rank
  FROM "Paper" p, websearch_to_tsquery('english', $1) AS q
  WHERE p.search @@ q AND NOT p.hidden
    AND p."firstSeenAt" >= $2 AND p.upvotes >= $3
  ORDER BY rank DESC, p.upvotes DESC, p.id
  LIMIT $4`;

// What GET / shows besides the form, in ONE statement: the public lists
// (those of findPublicLists) and the trending papers (the rule of
// findTrendingPapers). Prisma took three queries (lists, the newest
// firstSeenAt, the top papers) and most of the landing page's CPU. It lives
// with the papers because the trending rule is the part that can drift.
const TRENDING_AND_PUBLIC_LISTS = `
  SELECT
    (SELECT coalesce(json_agg(json_build_object('slug', slug, 'name', name, 'description', description) ORDER BY id), '[]')
       FROM "List" WHERE public) AS lists,
    (SELECT coalesce(json_agg(p ORDER BY p.upvotes DESC, p.id), '[]') FROM (
       SELECT id, title, abstract, upvotes, organization, "arxivId", url, "authorCount" FROM "Paper"
       WHERE NOT hidden AND "firstSeenAt" >= (SELECT max("firstSeenAt") FROM "Paper" WHERE NOT hidden) - interval '1 day'
       ORDER BY upvotes DESC, id LIMIT $1::int) p) AS papers`;

// In the order upsertPapers runs them: the temporary table first.
export const PAPER_SQL = {
  lockIngest: LOCK_INGEST,
  createInput: CREATE_INPUT,
  loadInput: LOAD_INPUT,
  adoptArxivIds: ADOPT_ARXIV_IDS,
  updateText: UPDATE_TEXT,
  updateOther: UPDATE_OTHER,
  insertNew: INSERT_NEW,
  search: SEARCH,
  trendingAndPublicLists: TRENDING_AND_PUBLIC_LISTS,
} as const;

/**
 * Inserts new papers and merges known ones, all in one transaction: either
 * every paper of the run is stored or none is. Keys must be unique in `papers`.
 */
export async function upsertPapers(db: Db, papers: PaperRecord[], source: PaperSource): Promise<UpsertResult> {
  if (papers.length === 0) return { created: 0, updated: 0, unchanged: 0 };
  return db.$transaction(
    async (tx) => {
      await tx.$queryRawUnsafe(PAPER_SQL.lockIngest);
      await tx.$executeRawUnsafe(PAPER_SQL.createInput);
      for (let i = 0; i < papers.length; i += UPSERT_CHUNK) {
        const chunk = papers
          .slice(i, i + UPSERT_CHUNK)
          .map((p) => ({ ...p, titleKey: p.arxivId ? titleKey(p.title) : null }));
        await tx.$executeRawUnsafe(PAPER_SQL.loadInput, JSON.stringify(chunk));
      }
      const updated = new Set<string>();
      for (const sql of [PAPER_SQL.adoptArxivIds, PAPER_SQL.updateText, PAPER_SQL.updateOther]) {
        for (const row of await keysOf(tx, sql)) updated.add(row);
      }
      const created = (await keysOf(tx, PAPER_SQL.insertNew, source)).length;
      return { created, updated: updated.size, unchanged: papers.length - created - updated.size };
    },
    { timeout: 300_000, maxWait: 60_000 },
  );
}

async function keysOf(tx: Tx, sql: string, ...params: unknown[]): Promise<string[]> {
  const rows = await tx.$queryRawUnsafe<Array<{ key: string }>>(sql, ...params);
  return rows.map((row) => row.key);
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
  const rows = await db.$queryRawUnsafe<Array<Omit<PaperSearchHit, 'rank'> & { rank: number | string }>>(
    PAPER_SQL.search,
    text,
    since,
    minUpvotes,
    limit,
  );
  return rows.map((row) => ({ ...row, rank: Number(row.rank) }));
}

/** A card on the landing page: one of the top papers of the latest day of ingest. */
export interface TrendingPaper {
  title: string;
  abstract: string;
  upvotes: number;
  organization: string | null;
  arxivId: string | null;
  url: string | null;
  authorCount: number;
}

export interface TrendingAndPublicLists {
  lists: Array<Pick<List, 'slug' | 'name' | 'description'>>;
  papers: TrendingPaper[];
}

/**
 * The public lists and the `limit` trending papers in one prepared statement
 * (see TRENDING_AND_PUBLIC_LISTS): GET / runs it on every view.
 */
export async function findTrendingPapersAndPublicLists(
  db: Pick<Db, '$queryRawUnsafe'>,
  limit: number,
): Promise<TrendingAndPublicLists> {
  type Row = { lists: TrendingAndPublicLists['lists']; papers: Array<TrendingPaper & { id: number }> };
  const [row] = await queryPrepared<Row>(db, 'paperboy-landing-data', PAPER_SQL.trendingAndPublicLists, [limit]);
  return { lists: row?.lists ?? [], papers: (row?.papers ?? []).map(({ id: _id, ...paper }) => paper) };
}
