// Matching, pure: which papers go in which section of a digest, and why.
// No I/O, no clock: the caller passes papers, lists, the window and "now".
// createMatcher() prepares the per-paper text and the per-list ranking once,
// so a planner with thousands of subscribers pays only a window filter and a
// section assignment per content group.

export interface MatchPaper {
  id: number;
  title: string;
  abstract: string;
  /** Keywords the source attached (Hugging Face ai_keywords). */
  keywords: string[];
  categories: string[];
  upvotes: number;
  firstSeenAt: Date;
  hidden: boolean;
}

export interface MatchList {
  id: number;
  name: string;
  keywords: string[];
  categories: string[];
  minUpvotes: number;
  maxPapers: number;
}

export interface Card {
  paperId: number;
  listId: number;
  /** Keywords, phrases and categories of the list that matched, as the list spells them. */
  matched: string[];
  /** Other lists of this email that also matched the paper. */
  alsoIn: string[];
  /** One line for the reader: why this paper is here. */
  reason: string;
  score: number;
  relevance: number;
}

export interface Section {
  listId: number;
  name: string;
  cards: Card[];
}

export interface Window {
  /** Exclusive: papers first seen strictly after it. */
  start: Date;
  /** Inclusive. */
  end: Date;
}

interface Hit {
  paper: MatchPaper;
  matched: string[];
  relevance: number;
  score: number;
}

interface PreparedPaper {
  paper: MatchPaper;
  title: string;
  abstract: string;
  keywords: string;
  categories: Set<string>;
}

/** Lower-case, split on anything but letters and digits, singular: " attention mechanism ". */
export function normalizeText(text: string): string {
  const tokens = text.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean).map(singularize);
  return tokens.length ? ` ${tokens.join(' ')} ` : ' ';
}

/** A light plural folding applied to both sides, so it only needs to be consistent. */
export function singularize(word: string): string {
  if (word.length <= 3 || /\d/.test(word)) return word;
  if (word.endsWith('ies') && word.length > 4) return `${word.slice(0, -3)}y`;
  if (word.endsWith('sses')) return word.slice(0, -2);
  if (/(ss|us|is)$/.test(word)) return word;
  if (/(xes|ches|shes)$/.test(word)) return word.slice(0, -2);
  if (word.endsWith('s')) return word.slice(0, -1);
  return word;
}

/** Upvotes damped by age: a day-old paper needs ~2.8× the votes of a new one. */
export function trendingScore(upvotes: number, firstSeenAt: Date, now: Date): number {
  const ageDays = Math.max(0, now.getTime() - firstSeenAt.getTime()) / 86_400_000;
  return (Math.max(0, upvotes) + 1) / Math.pow(1 + ageDays, 1.5);
}

/** A list with neither keywords nor categories takes every paper (Trending). */
export function isCatchAll(list: Pick<MatchList, 'keywords' | 'categories'>): boolean {
  return list.keywords.every((k) => !k.trim()) && list.categories.every((c) => !c.trim());
}

function preparePaper(paper: MatchPaper): PreparedPaper {
  return {
    paper,
    title: normalizeText(paper.title),
    abstract: normalizeText(paper.abstract),
    keywords: normalizeText(paper.keywords.join(' | ')),
    categories: new Set(paper.categories.map((c) => c.trim().toLowerCase())),
  };
}

/** Does the list's rule take the paper? Keywords OR categories, AND min upvotes. */
export function matchPaper(list: MatchList, prepared: PreparedPaper): { matched: string[]; relevance: number } | null {
  const paper = prepared.paper;
  if (paper.hidden || paper.upvotes < list.minUpvotes) return null;
  if (isCatchAll(list)) return { matched: [], relevance: 0 };
  const matched: string[] = [];
  let relevance = 0;
  for (const keyword of list.keywords) {
    const needle = normalizeText(keyword);
    if (needle === ' ') continue;
    const inTitle = prepared.title.includes(needle);
    const inAbstract = prepared.abstract.includes(needle);
    const inKeywords = prepared.keywords.includes(needle);
    if (!inTitle && !inAbstract && !inKeywords) continue;
    matched.push(keyword.trim());
    relevance += (inTitle ? 3 : 0) + (inKeywords ? 2 : 0) + (inAbstract ? 1 : 0);
  }
  for (const category of list.categories) {
    if (category.trim() && prepared.categories.has(category.trim().toLowerCase())) {
      matched.push(category.trim());
      relevance += 1;
    }
  }
  return matched.length ? { matched, relevance } : null;
}

function compareHits(catchAll: boolean) {
  return (a: Hit, b: Hit): number =>
    (catchAll ? b.paper.upvotes - a.paper.upvotes : 0) ||
    b.score - a.score ||
    b.relevance - a.relevance ||
    b.paper.upvotes - a.paper.upvotes ||
    a.paper.id - b.paper.id;
}

function reasonFor(list: MatchList, hit: Hit, alsoIn: string[]): string {
  const why = hit.matched.length
    ? `Matches ${hit.matched.map((m) => `“${m}”`).join(', ')}`
    : `Among the most upvoted new papers (${hit.paper.upvotes} upvote${hit.paper.upvotes === 1 ? '' : 's'})`;
  return alsoIn.length ? `${why} · also in ${alsoIn.join(', ')}` : why;
}

export interface Matcher {
  /** Sections for a subscriber of these lists over this window; [] when nothing matched. */
  match(listIds: readonly number[], window: Window): Section[];
}

/**
 * Papers in one email at most, whatever the lists' own limits add up to: 50
 * cards render to ~60 KB of HTML, well under Gmail's 102 KB clipping.
 */
export const MAX_PAPERS_PER_EMAIL = 50;

export function createMatcher(input: { papers: MatchPaper[]; lists: MatchList[]; now: Date; maxPerEmail?: number }): Matcher {
  const maxPerEmail = input.maxPerEmail ?? MAX_PAPERS_PER_EMAIL;
  const prepared = input.papers.filter((p) => !p.hidden).map(preparePaper);
  const lists = new Map(input.lists.map((l) => [l.id, l]));
  const ranked = new Map<number, Hit[]>();

  function rankedFor(list: MatchList): Hit[] {
    let hits = ranked.get(list.id);
    if (!hits) {
      hits = [];
      for (const p of prepared) {
        const m = matchPaper(list, p);
        if (m) hits.push({ paper: p.paper, ...m, score: trendingScore(p.paper.upvotes, p.paper.firstSeenAt, input.now) });
      }
      hits.sort(compareHits(isCatchAll(list)));
      ranked.set(list.id, hits);
    }
    return hits;
  }

  return {
    match(listIds, window) {
      const own = [...new Set(listIds)].map((id) => lists.get(id)).filter((l): l is MatchList => !!l);
      own.sort((a, b) => a.id - b.id);
      const inWindow = (hit: Hit) => hit.paper.firstSeenAt > window.start && hit.paper.firstSeenAt <= window.end;
      const candidates = new Map(own.map((l) => [l.id, rankedFor(l).filter(inWindow)]));
      // Specific lists choose first, catch-all lists take what is left: a
      // paper on attention belongs in the attention section, not in Trending.
      const order = [...own.filter((l) => !isCatchAll(l)), ...own.filter(isCatchAll)];
      const taken = new Set<number>();
      const chosen = new Map<number, Hit[]>();
      for (const list of order) {
        const picks: Hit[] = [];
        for (const hit of candidates.get(list.id) ?? []) {
          if (picks.length >= list.maxPapers || taken.size >= maxPerEmail) break;
          if (taken.has(hit.paper.id)) continue;
          taken.add(hit.paper.id);
          picks.push(hit);
        }
        chosen.set(list.id, picks);
      }
      const sections: Section[] = [];
      for (const list of own) {
        const picks = chosen.get(list.id) ?? [];
        if (!picks.length) continue;
        const cards = picks.map((hit) => {
          const alsoIn = own
            .filter((other) => other.id !== list.id && !isCatchAll(other) && candidates.get(other.id)?.some((h) => h.paper.id === hit.paper.id))
            .map((other) => other.name);
          return {
            paperId: hit.paper.id,
            listId: list.id,
            matched: hit.matched,
            alsoIn,
            reason: reasonFor(list, hit, alsoIn),
            score: hit.score,
            relevance: hit.relevance,
          };
        });
        sections.push({ listId: list.id, name: list.name, cards });
      }
      return sections;
    },
  };
}

/** The papers of an email in order, as stored in Delivery.paperIds. */
export function sectionPaperIds(sections: Section[]): number[] {
  return sections.flatMap((s) => s.cards.map((c) => c.paperId));
}
