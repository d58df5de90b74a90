// "What would this rule match?": runs the digest matcher itself over the
// papers first seen in the last few days, so the answer is exactly what a
// digest would pick, not an approximation of it.
import type { Db } from '../db.js';
import { createMatcher, type MatchList } from '../digest/matcher.js';

export type ListRule = Pick<MatchList, 'keywords' | 'categories' | 'minUpvotes' | 'maxPapers'> & { id?: number; name?: string };

/** Bounds the work of one preview, whatever the window. */
export const PREVIEW_MAX_PAPERS = 5000;

export async function previewListRule(db: Db, rule: ListRule, options: { days: number; limit: number; now?: Date }) {
  const now = options.now ?? new Date();
  const start = new Date(now.getTime() - options.days * 86_400_000);
  const papers = await db.paper.findMany({
    where: { firstSeenAt: { gt: start, lte: now }, hidden: false },
    orderBy: { firstSeenAt: 'desc' },
    take: PREVIEW_MAX_PAPERS,
    select: {
      id: true,
      arxivId: true,
      title: true,
      abstract: true,
      keywords: true,
      categories: true,
      upvotes: true,
      firstSeenAt: true,
      hidden: true,
    },
  });
  const listId = rule.id ?? 0;
  const name = rule.name ?? 'Preview';
  // Ask for every match, ranked; the first maxPapers are what one section would hold.
  const list: MatchList = { ...rule, id: listId, name, maxPapers: papers.length || 1 };
  const sections = createMatcher({ papers, lists: [list], now }).match([listId], { start, end: now });
  const cards = sections[0]?.cards ?? [];
  const byId = new Map(papers.map((p) => [p.id, p]));
  return {
    window: { start, end: now, days: options.days },
    papersConsidered: papers.length,
    total: cards.length,
    items: cards.slice(0, options.limit).map((card, index) => {
      const paper = byId.get(card.paperId)!;
      return {
        paperId: paper.id,
        arxivId: paper.arxivId,
        title: paper.title,
        upvotes: paper.upvotes,
        firstSeenAt: paper.firstSeenAt,
        matched: card.matched,
        reason: card.reason,
        /** Within the section's maxPapers for a subscriber who had every paper of the window. */
        inSection: index < rule.maxPapers,
      };
    }),
  };
}
