// SQL for ratings: a reader's "more like this" (up) and "less like this"
// (down) on a paper. One row per reader and paper; the latest vote wins.
import type { Db } from '../db.js';
import type { Vote } from '../subscriptions/tokens.js';

export const RATING_SQL = {
  // $1 vote, $2 the reader's lists that took the paper, $3 now, $4 subscriber id, $5 paper id.
  upsertRating: `
    INSERT INTO "Rating" ("subscriberId", "paperId", vote, "listIds", "createdAt", "updatedAt")
    SELECT s.id, p.id, $1::"Vote", $2::int[], $3, $3
      FROM "Subscriber" s, "Paper" p
     WHERE s.id = $4 AND s.email IS NOT NULL AND p.id = $5
    ON CONFLICT ("subscriberId", "paperId")
    DO UPDATE SET vote = EXCLUDED.vote, "listIds" = EXCLUDED."listIds", "updatedAt" = EXCLUDED."updatedAt"`,
  loadRatings: `
    SELECT r."subscriberId", r."paperId", r.vote::text AS vote
      FROM "Rating" r JOIN "Paper" p ON p.id = r."paperId"
     WHERE r."subscriberId" = ANY($1::int[]) AND NOT p.hidden
     ORDER BY r."subscriberId", r."updatedAt" DESC, r.id DESC`,
  countRatingsByList: `
    SELECT l.slug, l.name, coalesce(c.up, 0) AS up, coalesce(c.down, 0) AS down
      FROM "List" l
      LEFT JOIN (SELECT u."listId",
                        count(*) FILTER (WHERE r.vote = 'up') AS up,
                        count(*) FILTER (WHERE r.vote = 'down') AS down
                   FROM "Rating" r, unnest(r."listIds") AS u("listId")
                  GROUP BY 1) c ON c."listId" = l.id
     ORDER BY l.slug`,
} as const;

export interface RatingCounts {
  up: number;
  down: number;
}

export interface ReaderRatings {
  /** Paper ids the reader liked, most recent first. */
  liked: number[];
  /** Paper ids the reader disliked, most recent first. */
  disliked: number[];
}

/**
 * Records a vote. One statement, so a repeated or concurrent POST of the same
 * link converges on one row, and a click on the other link flips it. The
 * SELECT finds nothing (0 rows, nothing stored) when the reader was erased
 * or the paper deleted.
 */
export async function upsertRating(
  db: Db,
  rating: { subscriberId: number; paperId: number; vote: Vote; listIds: number[] },
  now = new Date(),
): Promise<boolean> {
  const count = await db.$executeRawUnsafe(
    RATING_SQL.upsertRating,
    rating.vote,
    rating.listIds,
    now,
    rating.subscriberId,
    rating.paperId,
  );
  return count > 0;
}

export async function countRatings(db: Db, subscriberId: number): Promise<RatingCounts> {
  const rows = await db.rating.groupBy({ by: ['vote'], where: { subscriberId }, _count: { _all: true } });
  const count = (vote: Vote) => rows.find((r) => r.vote === vote)?._count._all ?? 0;
  return { up: count('up'), down: count('down') };
}

/**
 * Every rating of these readers in one query, for the planner: readers
 * without ratings are absent from the map. Hidden papers are left out: they
 * are never sent again, and a hidden paper is often a bad record.
 */
export async function loadRatings(db: Db, subscriberIds: readonly number[]): Promise<Map<number, ReaderRatings>> {
  const byReader = new Map<number, ReaderRatings>();
  if (!subscriberIds.length) return byReader;
  const rows = await db.$queryRawUnsafe<Array<{ subscriberId: number; paperId: number; vote: Vote }>>(
    RATING_SQL.loadRatings,
    [...subscriberIds],
  );
  for (const row of rows) {
    let entry = byReader.get(row.subscriberId);
    if (!entry) byReader.set(row.subscriberId, (entry = { liked: [], disliked: [] }));
    (row.vote === 'up' ? entry.liked : entry.disliked).push(row.paperId);
  }
  return byReader;
}

/** A reader's ratings with the paper each is about, for their data export. */
export function findRatingsForExport(db: Db, subscriberId: number) {
  return db.rating.findMany({
    where: { subscriberId },
    orderBy: { id: 'asc' },
    select: {
      paper: { select: { id: true, arxivId: true, title: true } },
      vote: true,
      createdAt: true,
      updatedAt: true,
    },
  });
}

/**
 * Likes and dislikes per list, from the lists recorded on each rating (the
 * reader's lists whose rule took the paper when they voted). A rating counts
 * for each of those lists; one that no list took counts for none. Every list
 * is listed, with zeros, and the totals count each rating once.
 */
export async function countRatingsByList(db: Db) {
  const [byList, totals] = await Promise.all([
    db.$queryRawUnsafe<Array<{ slug: string; name: string; up: bigint; down: bigint }>>(RATING_SQL.countRatingsByList),
    db.rating.groupBy({ by: ['vote'], _count: { _all: true } }),
  ]);
  const total = (vote: Vote) => totals.find((r) => r.vote === vote)?._count._all ?? 0;
  return {
    up: total('up'),
    down: total('down'),
    byList: byList.map((r) => ({ slug: r.slug, name: r.name, up: Number(r.up), down: Number(r.down) })),
  };
}
