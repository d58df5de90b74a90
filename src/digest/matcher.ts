// Matching, pure: which papers a rule takes, and why. No I/O, no clock: the
// caller passes the period's papers and "now". createMatcher() folds every
// paper's text once, and matches each distinct phrase, category and author
// once per period (cached), so the per-reader work (reader-digest.ts) is set
// unions and a ranked merge, never a text scan.
import { nameWords, phraseNeedle, sameAuthor, stemmedText, stemmedTexts } from './match-text.js';
import type { Interests } from '../subscriptions/interests.js';
import { popularity, rankScore, WEIGHTS, type Frequency } from './ranking.js';

export interface MatchPaper {
  id: number;
  title: string;
  abstract: string;
  /** Keywords the source attached (Hugging Face ai_keywords). */
  keywords: string[];
  categories: string[];
  authors: string[];
  upvotes: number;
  firstSeenAt: Date;
  hidden: boolean;
}

export interface MatchList {
  id: number;
  name: string;
  /** Include phrases: any one of them (or a category, or an author) takes a paper. */
  keywords: string[];
  categories: string[];
  /** Phrases that keep a paper out of this list. */
  exclude: string[];
  authors: string[];
  minUpvotes: number;
  maxPapers: number;
}

export const NO_INTERESTS: Interests = { include: [], exclude: [], categories: [], authors: [] };

/** One thing that matched, for the card and the admin rule preview. */
export type MatchWhy =
  | { kind: 'phrase'; term: string; fields: Array<'title' | 'keywords' | 'abstract'> }
  | { kind: 'category'; term: string }
  | { kind: 'author'; term: string };

export interface Hit {
  paper: MatchPaper;
  why: MatchWhy[];
  /** Sum of the field weights of what matched; 1 for a rule that takes every paper. */
  relevance: number;
  score: number;
}

/** What a rule is made of, whether it comes from a list or from a reader. */
export interface Rule {
  include: readonly string[];
  categories: readonly string[];
  authors: readonly string[];
  exclude: readonly string[];
  minUpvotes: number;
}

export function listRule(list: MatchList): Rule {
  return {
    include: list.keywords,
    categories: list.categories,
    authors: list.authors,
    exclude: list.exclude,
    minUpvotes: list.minUpvotes,
  };
}

export function interestsRule(interests: Interests): Rule {
  // The reader's exclusions apply to the whole email, so the planner applies them, not the rule.
  return {
    include: interests.include,
    categories: interests.categories,
    authors: interests.authors,
    exclude: [],
    minUpvotes: 0,
  };
}

/** A rule with no phrase, category or author takes every paper, by upvotes (Trending). */
export function isCatchAll(rule: Pick<Rule, 'include' | 'categories' | 'authors'>): boolean {
  return [rule.include, rule.categories, rule.authors].every((terms) => terms.every((t) => !t.trim()));
}

export function hasInterests(interests: Interests): boolean {
  return !isCatchAll(interestsRule(interests));
}

/** Labels of what matched, as the rule spells them: "diffusion", "cs.CV", "by Yann LeCun". */
export function matchedLabels(why: readonly MatchWhy[]): string[] {
  return why.map((w) => (w.kind === 'author' ? `by ${w.term}` : w.term));
}

interface Folded {
  paper: MatchPaper;
  title: string;
  abstract: string;
  keywords: string;
  authors: string[][];
}

export interface Matcher {
  readonly papers: readonly MatchPaper[];
  readonly now: Date;
  paper(id: number): MatchPaper | undefined;
  /** Papers the rule takes, ranked for readers of this frequency (best first). Cached per key. */
  ranked(rule: Rule, frequency: Frequency, cacheKey?: string): Hit[];
  /** The same hits by paper id (cached with them). */
  hitsById(rule: Rule, frequency: Frequency, cacheKey: string): Map<number, Hit>;
  /** Ids of the papers any of these phrases appear in (for exclusions). */
  containing(phrases: readonly string[]): Set<number>;
}

// Each entry holds a rule's whole ranked list. Lists and shared interests
// repeat and stay cached; a personal rule repeats only within a sending
// batch. At 20,000 entries a planning run over 100,000 personal readers
// held ~100 MB here and ran out of heap; 2,000 still held ~25 MB.
const RANKED_CACHE_LIMIT = 500;

export function createMatcher(input: { papers: MatchPaper[]; now: Date }): Matcher {
  const folded: Folded[] = input.papers
    .filter((p) => !p.hidden)
    .map((paper) => ({
      paper,
      title: stemmedText(paper.title),
      abstract: stemmedText(paper.abstract),
      keywords: stemmedTexts(paper.keywords),
      authors: paper.authors.map(nameWords),
    }));
  const byCategory = new Map<string, number[]>();
  folded.forEach((f, i) => {
    for (const c of new Set(f.paper.categories.map((c) => c.trim().toLowerCase()))) {
      const at = byCategory.get(c) ?? [];
      at.push(i);
      byCategory.set(c, at);
    }
  });
  const phraseCache = new Map<string, Map<number, MatchWhy & { kind: 'phrase' }>>();
  const authorCache = new Map<string, number[]>();
  const rankedCache = new Map<string, { hits: Hit[]; byId?: Map<number, Hit> }>();
  const byId = new Map(folded.map((f) => [f.paper.id, f.paper]));

  function cached(rule: Rule, frequency: Frequency, cacheKey: string) {
    const key = `${frequency}|${cacheKey}`;
    let entry = rankedCache.get(key);
    if (!entry) {
      if (rankedCache.size >= RANKED_CACHE_LIMIT) rankedCache.clear();
      entry = { hits: computeRanked(rule, frequency) };
      rankedCache.set(key, entry);
    }
    return entry;
  }

  // Stem → papers whose text has it, ascending. A phrase is looked for only in
  // the papers that have its rarest word (a superset of those that have the
  // phrase), not in every paper: the sender matches each reader's phrases
  // again per batch. Built on first use.
  let postings: Map<string, number[]> | undefined;
  function mayContain(words: string[]): readonly number[] {
    if (!postings) {
      const index = new Map<string, number[]>();
      folded.forEach((f, i) => {
        for (const word of `${f.title}${f.keywords}${f.abstract}`.split(' ')) {
          const at = index.get(word);
          if (!at) index.set(word, [i]);
          else if (at[at.length - 1] !== i) at.push(i);
        }
      });
      postings = index;
    }
    const lists = words.map((w) => postings!.get(w) ?? []);
    return lists.reduce((rarest, l) => (l.length < rarest.length ? l : rarest));
  }

  // Each distinct phrase is looked for once per period, however many rules use it.
  function phraseHits(phrase: string): Map<number, MatchWhy & { kind: 'phrase' }> {
    const term = phrase.trim();
    let hits = phraseCache.get(term);
    if (hits) return hits;
    hits = new Map();
    const needle = phraseNeedle(term);
    if (needle) {
      for (const i of mayContain(needle.trim().split(' '))) {
        const f = folded[i]!;
        const fields: Array<'title' | 'keywords' | 'abstract'> = [];
        if (f.title.includes(needle)) fields.push('title');
        if (f.keywords.includes(needle)) fields.push('keywords');
        if (f.abstract.includes(needle)) fields.push('abstract');
        if (fields.length) hits.set(i, { kind: 'phrase', term, fields });
      }
    }
    phraseCache.set(term, hits);
    return hits;
  }

  function authorHits(name: string): number[] {
    const key = nameWords(name).join(' ');
    let hits = authorCache.get(key);
    if (hits) return hits;
    const followed = key ? key.split(' ') : [];
    hits = [];
    folded.forEach((f, i) => {
      if (f.authors.some((a) => sameAuthor(followed, a))) hits.push(i);
    });
    authorCache.set(key, hits);
    return hits;
  }

  function excludedBy(rule: Rule): Set<number> {
    const out = new Set<number>();
    for (const phrase of rule.exclude) for (const i of phraseHits(phrase).keys()) out.add(i);
    return out;
  }

  function computeRanked(rule: Rule, frequency: Frequency): Hit[] {
    const found = new Map<number, { why: MatchWhy[]; relevance: number }>();
    const add = (i: number, why: MatchWhy, weight: number) => {
      const entry = found.get(i) ?? { why: [], relevance: 0 };
      entry.why.push(why);
      entry.relevance += weight;
      found.set(i, entry);
    };
    if (isCatchAll(rule)) {
      folded.forEach((_, i) => found.set(i, { why: [], relevance: 1 }));
    } else {
      for (const phrase of new Set(rule.include.filter((p) => p.trim()))) {
        for (const [i, why] of phraseHits(phrase))
          add(
            i,
            why,
            why.fields.reduce((w, f) => w + WEIGHTS[f], 0),
          );
      }
      for (const category of new Set(rule.categories.map((c) => c.trim()).filter(Boolean))) {
        for (const i of byCategory.get(category.toLowerCase()) ?? [])
          add(i, { kind: 'category', term: category }, WEIGHTS.category);
      }
      for (const author of new Set(rule.authors.map((a) => a.trim()).filter(Boolean))) {
        for (const i of authorHits(author)) add(i, { kind: 'author', term: author }, WEIGHTS.author);
      }
    }
    const excluded = excludedBy(rule);
    const hits: Hit[] = [];
    for (const [i, m] of found) {
      const paper = folded[i]!.paper;
      if (paper.upvotes < rule.minUpvotes || excluded.has(i)) continue;
      const score = rankScore(m.relevance, popularity(paper.upvotes, paper.firstSeenAt, input.now, frequency));
      hits.push({ paper, why: m.why, relevance: m.relevance, score });
    }
    return hits.sort((a, b) => b.score - a.score || b.paper.upvotes - a.paper.upvotes || a.paper.id - b.paper.id);
  }

  return {
    papers: folded.map((f) => f.paper),
    now: input.now,
    paper: (id) => byId.get(id),
    ranked(rule, frequency, cacheKey) {
      return cacheKey === undefined ? computeRanked(rule, frequency) : cached(rule, frequency, cacheKey).hits;
    },
    hitsById(rule, frequency, cacheKey) {
      const entry = cached(rule, frequency, cacheKey);
      entry.byId ??= new Map(entry.hits.map((h) => [h.paper.id, h]));
      return entry.byId;
    },
    containing(phrases) {
      const ids = new Set<number>();
      for (const phrase of phrases) for (const i of phraseHits(phrase).keys()) ids.add(folded[i]!.paper.id);
      return ids;
    },
  };
}
