// Papers as the admin sees them: listed, searched, hidden. Adding a paper
// goes through ingest (src/papers), like every other source.
import type { Db } from '../db.js';
import type { Prisma } from '../generated/prisma/client.js';

export interface PaperFilter {
  /** Words in the title or abstract, or an arXiv id. */
  q?: string;
  hidden?: boolean;
  /** First seen at or after. */
  since?: Date;
}

const ARXIV_ID = /^\d{4}\.\d{4,5}(v\d+)?$/;

export function paperWhere(filter: PaperFilter, afterId?: number): Prisma.PaperWhereInput {
  const where: Prisma.PaperWhereInput = {};
  if (afterId !== undefined) where.id = { gt: afterId };
  if (filter.hidden !== undefined) where.hidden = filter.hidden;
  if (filter.since) where.firstSeenAt = { gte: filter.since };
  const q = filter.q?.trim();
  if (q) {
    where.OR = ARXIV_ID.test(q)
      ? [{ arxivId: q.replace(/v\d+$/, '') }]
      : [{ title: { contains: q, mode: 'insensitive' } }, { abstract: { contains: q, mode: 'insensitive' } }];
  }
  return where;
}

export function searchPapers(db: Db, filter: PaperFilter, page: { afterId?: number; limit: number }) {
  return db.paper.findMany({ where: paperWhere(filter, page.afterId), orderBy: { id: 'asc' }, take: page.limit + 1 });
}

export function findPaper(db: Db, id: number) {
  return db.paper.findUnique({ where: { id } });
}

/** Hidden papers are left out of every digest planned from now on. Returns null when there is no such paper. */
export async function setPaperHidden(db: Db, id: number, hidden: boolean) {
  const { count } = await db.paper.updateMany({ where: { id }, data: { hidden } });
  return count ? findPaper(db, id) : null;
}
