// The digest benchmark's data: 8 lists, papers cycled from the shipped
// sample, and readers that each follow a pseudo-random set of lists. In the
// personal mode every reader also has interests (include and exclude
// phrases, arXiv categories, followed authors) and a papers-per-email
// choice, and about one in ten has ratings (4 likes, 1 dislike), so nearly
// every email differs and the "Recommended for you" path runs. Readers are
// generated in SQL (generate_series) so 100,000 seed in seconds; every
// choice is a hash of the reader id, so two runs seed the same data.
import { readFileSync } from 'node:fs';
import type { Db } from '../../src/db.js';
import { words } from '../../src/digest/match-text.js';
import { PAPERS_PER_EMAIL } from '../../src/subscriptions/interests.js';
import { ARXIV_ARCHIVES } from '../../src/papers/arxiv-taxonomy.js';

export const LISTS = [
  { slug: 'trending', name: 'Trending', keywords: [] },
  { slug: 'attention', name: 'Attention and transformers', keywords: ['attention', 'transformer'] },
  { slug: 'video', name: 'Video understanding', keywords: ['video'] },
  { slug: 'language-models', name: 'Language models', keywords: ['language model', 'LLM'] },
  { slug: 'memory-time', name: 'Memory and time', keywords: ['memory', 'temporal'] },
  { slug: 'brain', name: 'Brain-inspired AI', keywords: ['brain', 'neural'] },
  { slug: 'diffusion', name: 'Diffusion and generation', keywords: ['diffusion', 'generation'] },
  { slug: 'agents', name: 'Agents and reasoning', keywords: ['agent', 'reasoning'] },
];

export interface SeedOptions {
  subscribers: number;
  lists: number;
  papers: number;
  personal: boolean;
}

interface SamplePaper {
  id?: string | null;
  title: string;
  summary: string;
}

const SAMPLE = (
  JSON.parse(readFileSync(new URL('../../data/sample/daily-papers.json', import.meta.url), 'utf8')) as Array<{
    paper: SamplePaper;
  }>
).map((e) => e.paper);

/** The archives machine-learning papers are filed under: every category is a real one. */
const CATEGORIES = ARXIV_ARCHIVES.filter((a) => ['cs', 'stat', 'eess'].includes(a.id)).flatMap((a) =>
  a.categories.map((c) => c.id),
);
// Accents on purpose: followed authors match regardless of them.
const FIRST = `Ada Alan Grace José Zoë Yann Fei Ilya Noam Chloé Jürgen Kaiming Percy Daphne Søren Aditi
  Kyunghyun Timnit Oriol Hélène`.split(/\s+/);
const LAST = `Lovelace Turing Hopper García Müller LeCun Li Sutskever Shazeer Dubois Schmidhuber He Liang
  Koller Hauberg Raghunathan Cho Gebru Vinyals Lefèvre Nakamura Okafor Petrov Rossi Silva Novak
  Kowalski Haddad Larsen Moreau`.split(/\s+/);
const STOP = new Set(
  `with from that this their into over under through using based towards toward what when where
  which your than more most very only also about across between without within via for and the are
  can does its our`.split(/\s+/),
);

/** FNV-1a of the keys: a fixed pseudo-random choice in [0, n). */
function pick(n: number, ...keys: Array<string | number>): number {
  let h = 2166136261;
  for (const ch of keys.join(':')) h = Math.imul(h ^ ch.charCodeAt(0), 16777619);
  return (h >>> 0) % n;
}

/** Words and word pairs of the sample titles: phrases that match some papers, as a reader would type them. */
function titlePhrases(): string[] {
  const phrases = new Set<string>();
  for (const { title } of SAMPLE) {
    // The matcher's own word split, so a pair is adjacent for it too; letters only, as typed.
    const tokens = words(title);
    const usable = (w: string | undefined): w is string => !!w && w.length >= 3 && /^[a-z]+$/.test(w) && !STOP.has(w);
    tokens.forEach((w, i) => {
      if (usable(w) && w.length >= 4) phrases.add(w);
      const next = tokens[i + 1];
      if (usable(w) && usable(next)) phrases.add(`${w} ${next}`);
    });
  }
  return [...phrases].sort();
}

async function seedPapers(db: Db, papers: number, personal: boolean): Promise<void> {
  const now = Date.now();
  await db.paper.createMany({
    data: Array.from({ length: papers }, (_, i) => {
      const base = SAMPLE[i % SAMPLE.length]!;
      const round = Math.floor(i / SAMPLE.length);
      const id = base.id ?? `no-arxiv-${i % SAMPLE.length}`;
      const arxivId = round ? `${id}v${round + 1}` : id;
      const authorCount = 1 + (i % 9);
      return {
        key: arxivId,
        arxivId,
        title: round ? `${base.title} (revisited ${round})` : base.title,
        abstract: base.summary,
        authorCount,
        upvotes: (i * 37) % 120,
        source: 'file',
        firstSeenAt: new Date(now - ((i * 7919) % (20 * 3600)) * 1000),
        // Only the personal mode has categories and names to match: the lists mode stays comparable with earlier runs.
        ...(personal
          ? {
              categories: [
                ...new Set(
                  Array.from(
                    { length: 1 + pick(3, i, 'nc') },
                    (_, k) => CATEGORIES[pick(CATEGORIES.length, i, 'c', k)]!,
                  ),
                ),
              ],
              authors: Array.from(
                { length: authorCount },
                (_, k) => `${FIRST[pick(FIRST.length, i, 'f', k)]} ${LAST[pick(LAST.length, i, 'l', k)]}`,
              ),
            }
          : {}),
      };
    }),
  });
}

// A reader's n-th choice among the values of array $k: hashed from the reader, the field and n.
const choice = (array: string, field: string, n: string) =>
  `(${array})[1 + (hashtext(g || ':${field}:' || ${n})::bigint & 2147483647) % cardinality(${array})]`;
const count = (field: string, modulo: number) => `(hashtext(g || ':${field}')::bigint & 2147483647) % ${modulo}`;

/**
 * Interests per reader: 1-3 include phrases, 0-2 categories, 0-2 followed
 * authors (half of them typed in lower case), one reader in three excludes a
 * phrase; 5, 10, 15 or 25 papers per email. $2 phrases, $3 categories, $4
 * authors as they appear on papers, $5 papers-per-email choices.
 */
const PERSONAL_READERS = `
  INSERT INTO "Subscriber" (email, status, timezone, "sendHour", frequency, "confirmedAt", "createdAt", "updatedAt",
    "interestInclude", "interestExclude", "interestCategories", "interestAuthors", "papersPerEmail")
  SELECT 'r' || g || '@bench.test', 'active', 'UTC', 7, 'daily', now(), now(), now(),
    ARRAY(SELECT DISTINCT ${choice('$2::text[]', 'inc', 'k')} FROM generate_series(0, ${count('ninc', 3)}) k),
    ARRAY(SELECT DISTINCT ${choice('$2::text[]', 'exc', 'k')} FROM generate_series(1, ${count('nexc', 3)} - 1) k),
    ARRAY(SELECT DISTINCT ${choice('$3::text[]', 'cat', 'k')} FROM generate_series(1, ${count('ncat', 3)}) k),
    ARRAY(SELECT DISTINCT CASE WHEN k % 2 = 0 THEN lower(a) ELSE a END
          FROM generate_series(1, ${count('naut', 3)}) k, LATERAL (SELECT ${choice('$4::text[]', 'aut', 'k')} AS a) x),
    ${choice('$5::int[]', 'ppe', '0')}
  FROM generate_series(1, $1) g`;

const RATINGS = `
  INSERT INTO "Rating" ("subscriberId", "paperId", vote, "createdAt", "updatedAt")
  SELECT s.id, p.id, (CASE WHEN k < 4 THEN 'up' ELSE 'down' END)::"Vote", now(), now()
  FROM "Subscriber" s
  CROSS JOIN generate_series(0, 4) k
  JOIN (SELECT id, (row_number() OVER (ORDER BY id) - 1)::int AS idx, count(*) OVER ()::int AS n FROM "Paper") p
    ON p.idx = ((hashtext('rated:' || s.id)::bigint & 2147483647) + k) % p.n
  WHERE (hashtext('rater:' || s.id)::bigint & 2147483647) % $1 = 0
  ON CONFLICT DO NOTHING`;

/** Seeds the benchmark's database; returns how many readers got ratings (personal mode). */
export async function seed(db: Db, options: SeedOptions): Promise<{ readersWithRatings: number }> {
  for (const list of LISTS.slice(0, options.lists)) await db.list.create({ data: { ...list, maxPapers: 5 } });
  await seedPapers(db, options.papers, options.personal);
  if (options.personal) {
    const authors = (await db.paper.findMany({ select: { authors: true } })).flatMap((p) => p.authors);
    await db.$executeRawUnsafe(
      PERSONAL_READERS,
      options.subscribers,
      titlePhrases(),
      CATEGORIES,
      [...new Set(authors)].sort(),
      [...PAPERS_PER_EMAIL],
    );
  } else {
    await db.$executeRawUnsafe(
      `INSERT INTO "Subscriber" (email, status, timezone, "sendHour", frequency, "confirmedAt", "createdAt", "updatedAt")
       SELECT 'r' || g || '@bench.test', 'active', 'UTC', 7, 'daily', now(), now(), now() FROM generate_series(1, $1) g`,
      options.subscribers,
    );
  }
  // Each subscriber follows a pseudo-random non-empty subset of the lists.
  await db.$executeRawUnsafe(
    `INSERT INTO "Subscription" ("subscriberId", "listId", "confirmedAt")
     SELECT s.id, l.id, now()
     FROM "Subscriber" s
     JOIN (SELECT id, (row_number() OVER (ORDER BY id) - 1)::int AS idx FROM "List") l
       ON ((((s.id::bigint * 2654435761) % $1) + 1) >> l.idx) & 1 = 1`,
    2 ** options.lists - 1,
  );
  if (!options.personal) return { readersWithRatings: 0 };
  await db.$executeRawUnsafe(RATINGS, 10);
  const [row] = await db.$queryRawUnsafe<Array<{ n: number }>>(
    `SELECT count(DISTINCT "subscriberId")::int AS n FROM "Rating"`,
  );
  return { readersWithRatings: row?.n ?? 0 };
}
