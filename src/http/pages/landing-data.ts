// What GET / shows besides the form: the public lists and today's trending
// papers, in ONE statement. Prisma took three queries (lists, the newest
// firstSeenAt, the top papers) and most of the page's CPU; the rules are
// those of findPublicLists and findTrendingPapers, which the other pages keep.
import { sqlPool, type Db } from '../../db.js';
import type { LandingData } from './landing-page.js';
import type { TrendingPaper } from './trending-papers.js';

export const LANDING_PAPERS = 6;

const LANDING_DATA = `
  SELECT
    (SELECT coalesce(json_agg(json_build_object('slug', slug, 'name', name, 'description', description) ORDER BY id), '[]')
       FROM "List" WHERE public) AS lists,
    (SELECT coalesce(json_agg(p ORDER BY p.upvotes DESC, p.id), '[]') FROM (
       SELECT id, title, abstract, upvotes, organization, "arxivId", url, "authorCount" FROM "Paper"
       WHERE NOT hidden AND "firstSeenAt" >= (SELECT max("firstSeenAt") FROM "Paper" WHERE NOT hidden) - interval '1 day'
       ORDER BY upvotes DESC, id LIMIT $1::int) p) AS papers`;

type Row = { lists: LandingData['lists']; papers: Array<TrendingPaper & { id: number }> };

export async function findLandingData(db: Db, limit = LANDING_PAPERS): Promise<Pick<LandingData, 'lists' | 'papers'>> {
  const pool = sqlPool(db);
  const rows = pool
    ? (await pool.query<Row>({ name: 'paperboy-landing-data', text: LANDING_DATA, values: [limit] })).rows
    : await db.$queryRawUnsafe<Row[]>(LANDING_DATA, limit);
  const row = rows[0];
  const papers = (row?.papers ?? []).map(({ id: _id, ...paper }) => paper);
  return { lists: row?.lists ?? [], papers };
}
