// "What would this rule match?": runs the digest matcher itself over the
// papers first seen in the last few days, so the answer is exactly what a
// digest would pick, not an approximation of it, and says for each paper
// what matched where.
import type { Db } from '../db.js';
import { MATCH_PAPER_SELECT } from '../digest/content.js';
import { createMatcher, isCatchAll, listRule, type MatchList, type MatchWhy } from '../digest/matcher.js';

export type ListRule = Pick<MatchList, 'keywords' | 'categories' | 'minUpvotes' | 'maxPapers'> &
  Partial<Pick<MatchList, 'exclude' | 'authors'>> & { id?: number; name?: string };

/** Bounds the work of one preview, whatever the window. */
export const PREVIEW_MAX_PAPERS = 5000;

function describeWhy(why: MatchWhy[]): string {
  if (!why.length) return 'Takes every paper, by upvotes';
  return why
    .map((w) =>
      w.kind === 'phrase'
        ? `“${w.term}” in ${w.fields.join(', ')}`
        : w.kind === 'category'
          ? `category ${w.term}`
          : `author ${w.term}`,
    )
    .join('; ');
}

export async function previewListRule(db: Db, rule: ListRule, options: { days: number; limit: number; now?: Date }) {
  const now = options.now ?? new Date();
  const start = new Date(now.getTime() - options.days * 86_400_000);
  const papers = await db.paper.findMany({
    where: { firstSeenAt: { gt: start, lte: now }, hidden: false },
    orderBy: { firstSeenAt: 'desc' },
    take: PREVIEW_MAX_PAPERS,
    select: { ...MATCH_PAPER_SELECT, arxivId: true },
  });
  const list: MatchList = { exclude: [], authors: [], ...rule, id: rule.id ?? 0, name: rule.name ?? 'Preview' };
  const hits = createMatcher({ papers, now }).ranked(listRule(list), 'daily');
  return {
    window: { start, end: now, days: options.days },
    papersConsidered: papers.length,
    catchAll: isCatchAll(listRule(list)),
    total: hits.length,
    items: hits.slice(0, options.limit).map((hit, index) => {
      const paper = hit.paper as (typeof papers)[number];
      return {
        paperId: paper.id,
        arxivId: paper.arxivId,
        title: paper.title,
        upvotes: paper.upvotes,
        firstSeenAt: paper.firstSeenAt,
        matched: hit.why.map((w) => (w.kind === 'author' ? `by ${w.term}` : w.term)),
        /** Per match: the phrase and the fields it was found in, the category, the author. */
        why: hit.why,
        reason: describeWhy(hit.why),
        score: Math.round(hit.score * 1000) / 1000,
        /** Within the section's maxPapers for a subscriber who had every paper of the window. */
        inSection: index < rule.maxPapers,
      };
    }),
  };
}
