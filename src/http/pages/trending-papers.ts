// "What you will get": the top papers of the latest day of ingest, by
// upvotes. Anchored on the newest firstSeenAt rather than the clock, so the
// landing page shows real cards also when ingest paused for a day.
import type { Db } from '../../db.js';
import type { TrendingPaper } from '../../papers/paper-repo.js';

export type { TrendingPaper };

const DAY_MS = 24 * 3600 * 1000;

export async function findTrendingPapers(db: Db, limit = 6): Promise<TrendingPaper[]> {
  const latest = await db.paper.findFirst({
    where: { hidden: false },
    orderBy: { firstSeenAt: 'desc' },
    select: { firstSeenAt: true },
  });
  if (!latest) return [];
  return db.paper.findMany({
    where: { hidden: false, firstSeenAt: { gte: new Date(latest.firstSeenAt.getTime() - DAY_MS) } },
    orderBy: [{ upvotes: 'desc' }, { id: 'asc' }],
    take: limit,
    select: {
      title: true,
      abstract: true,
      upvotes: true,
      organization: true,
      arxivId: true,
      url: true,
      authorCount: true,
    },
  });
}

/** Where a card links: the paper's own page, else its arXiv abstract; only http(s). */
export function paperLink(paper: Pick<TrendingPaper, 'url' | 'arxivId'>): string | null {
  if (paper.url && /^https?:\/\//i.test(paper.url)) return paper.url;
  if (paper.arxivId) return `https://arxiv.org/abs/${encodeURI(paper.arxivId)}`;
  return null;
}

export function excerpt(text: string, max = 220): string {
  const clean = text.replace(/\s+/g, ' ').trim();
  if (clean.length <= max) return clean;
  const cut = clean.slice(0, max);
  return `${cut.slice(0, Math.max(cut.lastIndexOf(' '), max - 20))}…`;
}
