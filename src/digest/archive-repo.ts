// The public archive's reads (archive.ts): public lists with their rules,
// and the periods whose edition window holds papers. Which papers a list
// takes is never decided here: the digest's matcher does that in the
// process, so the archive can only agree with what readers were sent.
import type { Db } from '../db.js';
import { MATCH_LIST_SELECT } from './content.js';
import type { MatchList } from './matcher.js';

export type ArchiveList = MatchList & { slug: string; description: string; updatedAt: Date };

const LIST_FIELDS = { ...MATCH_LIST_SELECT, slug: true, description: true, updatedAt: true } as const;

export async function findArchiveLists(db: Db): Promise<ArchiveList[]> {
  return db.list.findMany({ where: { public: true }, select: LIST_FIELDS, orderBy: { id: 'asc' } });
}

/** A public list by slug; a private one is as unknown as a missing one. */
export async function findArchiveList(db: Db, slug: string): Promise<ArchiveList | null> {
  return db.list.findFirst({ where: { slug, public: true }, select: LIST_FIELDS });
}

export interface PeriodQuery {
  /** Only periods before this one, newest first … */
  before?: string;
  /** … or only periods after this one, oldest first. */
  after?: string;
  /** The newest period that may be returned (today's: its window has closed). */
  until: string;
  limit: number;
}

export interface PaperPeriod {
  period: string;
  /** Changes whenever the period's visible papers do (one added, hidden, re-counted): a cache key. */
  version: string;
  /** The most upvotes of any of its visible papers: a list whose minUpvotes is above it takes nothing that period. */
  topUpvotes: number;
}

// Periods (YYYY-MM-DD) whose window holds at least one visible paper: the
// only days where an edition can exist, so the archive skips the gaps
// without planning them. A period P's window is (P-1 00:00Z, P 00:00Z]
// (archive.ts), hence "minus a millisecond, plus a day". firstSeenAt is a
// UTC timestamp without zone, so the bounds are built from dates in SQL.
// Ingest writes a paper only when it changed and sets updatedAt then, so
// count and newest updatedAt tell whether a period's papers changed.
const PERIODS = (bound: string, order: 'ASC' | 'DESC') => `
  SELECT period::text AS period, count(*)::text || '/' || max("updatedAt")::text AS version,
         max(upvotes) AS "topUpvotes"
    FROM (SELECT (("firstSeenAt" - interval '1 millisecond')::date + 1) AS period, "updatedAt", upvotes
            FROM "Paper"
           WHERE NOT hidden AND "firstSeenAt" <= $1::date::timestamp AND ${bound}) p
   GROUP BY period ORDER BY period ${order} LIMIT $3`;

export const ARCHIVE_SQL = {
  // $1 the newest period allowed (today), $2 only periods before this one (null: any), $3 how many,
  // $4 only the periods within this many days before $2 (null: any); newest first.
  periodsBefore: PERIODS(
    `($2::date IS NULL OR "firstSeenAt" <= ($2::date - 1)::timestamp)
     AND ($4::int IS NULL OR "firstSeenAt" > (coalesce($2::date, $1::date + 1) - $4::int - 1)::timestamp)`,
    'DESC',
  ),
  // $2 only periods after this one, $4 within this many days of it (null: any); oldest first, for paging back towards today.
  periodsAfter: PERIODS(
    `"firstSeenAt" > $2::date::timestamp AND ($4::int IS NULL OR "firstSeenAt" <= ($2::date + $4::int)::timestamp)`,
    'ASC',
  ),
} as const;

/** Bounded spans tried before the whole history: `limit`, then 4 and 16 times as many days. */
const SPANS = [1, 4, 16];

// The grouping cannot stop early, so an unbounded query aggregates every
// paper on the cursor's side however few periods it returns. Periods are
// usually daily, so `limit` of them usually lie within `limit` days of the
// cursor: that span is read first (an index range), widened while it holds
// too few. Any period beyond the span is further from the cursor than all
// within it, so a span holding `limit` periods gives exactly the answer.
export async function findPaperPeriods(db: Db, query: PeriodQuery): Promise<PaperPeriod[]> {
  const read = (span: number | null) =>
    query.after
      ? db.$queryRawUnsafe<PaperPeriod[]>(ARCHIVE_SQL.periodsAfter, query.until, query.after, query.limit, span)
      : db.$queryRawUnsafe<PaperPeriod[]>(
          ARCHIVE_SQL.periodsBefore,
          query.until,
          query.before ?? null,
          query.limit,
          span,
        );
  for (const factor of SPANS) {
    const periods = await read(query.limit * factor);
    if (periods.length >= query.limit) return periods;
  }
  return read(null);
}
