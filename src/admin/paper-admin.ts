// Papers as the admin sees them: listed, looked up, hidden. Text search is
// the ingest folder's full-text searchPapers (src/papers/paper-repo.ts);
// adding a paper goes through ingest like every other source.
import type { Db } from '../db.js';
import type { Paper, Prisma } from '../generated/prisma/client.js';

export interface PaperFilter {
  hidden?: boolean;
  /** First seen at or after. */
  since?: Date;
}

const ARXIV_ID = /^\d{4}\.\d{4,5}(v\d+)?$/;

/** "2501.00663" or "2501.00663v2" → "2501.00663"; anything else → null. */
export function asArxivId(text: string): string | null {
  const trimmed = text.trim();
  return ARXIV_ID.test(trimmed) ? trimmed.replace(/v\d+$/, '') : null;
}

function paperWhere(filter: PaperFilter, afterId?: number): Prisma.PaperWhereInput {
  const where: Prisma.PaperWhereInput = {};
  if (afterId !== undefined) where.id = { gt: afterId };
  if (filter.hidden !== undefined) where.hidden = filter.hidden;
  if (filter.since) where.firstSeenAt = { gte: filter.since };
  return where;
}

/** One page in id order, one row more than `limit` to tell whether another page exists. */
export function listPapers(db: Db, filter: PaperFilter, page: { afterId?: number; limit: number }): Promise<Paper[]> {
  return db.paper.findMany({ where: paperWhere(filter, page.afterId), orderBy: { id: 'asc' }, take: page.limit + 1 });
}

/** Full rows for these ids, in the order given (a search's ranking). */
export async function findPapersInOrder(db: Db, ids: number[]): Promise<Paper[]> {
  const rows = await db.paper.findMany({ where: { id: { in: ids } } });
  const byId = new Map(rows.map((row) => [row.id, row]));
  return ids.map((id) => byId.get(id)).filter((row): row is Paper => row !== undefined);
}

export function findPaper(db: Db, id: number) {
  return db.paper.findUnique({ where: { id } });
}

export function findPaperByArxivId(db: Db, arxivId: string) {
  return db.paper.findUnique({ where: { arxivId } });
}

/** Hidden papers are left out of every digest planned from now on. Returns null when there is no such paper. */
export async function setPaperHidden(db: Db, id: number, hidden: boolean) {
  const { count } = await db.paper.updateMany({ where: { id }, data: { hidden } });
  return count ? findPaper(db, id) : null;
}

/** Pins a paper to the top of the digests planned until `until`; null unpins. Returns null when there is no such paper. */
export async function setPaperPinned(db: Db, id: number, until: Date | null) {
  const { count } = await db.paper.updateMany({ where: { id }, data: { pinnedUntil: until } });
  return count ? findPaper(db, id) : null;
}
