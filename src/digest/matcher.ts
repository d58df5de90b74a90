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
  /** Lower-cased. */
  categories: Set<string>;
}

export interface Matcher {
  readonly papers: readonly MatchPaper[];
  readonly now: Date;
  paper(id: number): MatchPaper | undefined;
  /** Papers the rule takes, ranked for readers of this frequency (best first). Cached per key. */
  ranked(rule: Rule, frequency: Frequency, cacheKey?: string): Hit[];
  /**
   * Judges single papers against a rule: what ranked() would say of each,
   * without ranking the rest. A sender needs only the papers in one email.
   */
  judge(rule: Rule, frequency: Frequency): (paperId: number) => Hit | undefined;
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
      categories: new Set(paper.categories.map((c) => c.trim().toLowerCase())),
    }));
  const byCategory = new Map<string, number[]>();
  folded.forEach((f, i) => {
    for (const c of f.categories) {
      const at = byCategory.get(c) ?? [];
      at.push(i);
      byCategory.set(c, at);
    }
  });
  const phraseCache = new Map<string, Map<number, MatchWhy & { kind: 'phrase' }>>();
  const authorCache = new Map<string, Set<number>>();
  const rankedCache = new Map<string, Hit[]>();
  const indexOf = new Map(folded.map((f, i) => [f.paper.id, i]));

  function cached(rule: Rule, frequency: Frequency, cacheKey: string): Hit[] {
    const key = `${frequency}|${cacheKey}`;
    let hits = rankedCache.get(key);
    if (!hits) {
      if (rankedCache.size >= RANKED_CACHE_LIMIT) rankedCache.clear();
      hits = computeRanked(rule, frequency);
      rankedCache.set(key, hits);
    }
    return hits;
  }

  // Stem → papers whose text has it, ascending. A phrase is looked for only in
  // the papers that have its rarest word (a superset of those that have the
  // phrase), not in every paper: a sender's matcher meets new readers'
  // phrases with every batch. Built on first use.
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

  function authorHits(name: string): Set<number> {
    const key = nameWords(name).join(' ');
    let hits = authorCache.get(key);
    if (hits) return hits;
    const followed = key ? key.split(' ') : [];
    hits = new Set();
    folded.forEach((f, i) => {
      if (f.authors.some((a) => sameAuthor(followed, a))) hits.add(i);
    });
    authorCache.set(key, hits);
    return hits;
  }

  /** A rule's terms as matching uses them: blank ones dropped, each once. */
  function termsOf(rule: Rule) {
    return {
      catchAll: isCatchAll(rule),
      phrases: [...new Set(rule.include.filter((p) => p.trim()))],
      categories: [...new Set(rule.categories.map((c) => c.trim()).filter(Boolean))].map((term) => ({
        term,
        key: term.toLowerCase(),
      })),
      authors: [...new Set(rule.authors.map((a) => a.trim()).filter(Boolean))],
    };
  }

  /** Paper i against a rule: its hit, or undefined when the rule does not take it. */
  function hitOf(i: number, rule: Rule, terms: ReturnType<typeof termsOf>, frequency: Frequency): Hit | undefined {
    const paper = folded[i]!.paper;
    if (paper.upvotes < rule.minUpvotes) return undefined;
    for (const phrase of rule.exclude) if (phraseHits(phrase).has(i)) return undefined;
    const why: MatchWhy[] = [];
    let relevance = 0;
    if (terms.catchAll) relevance = 1;
    else {
      for (const phrase of terms.phrases) {
        const hit = phraseHits(phrase).get(i);
        if (!hit) continue;
        why.push(hit);
        for (const field of hit.fields) relevance += WEIGHTS[field];
      }
      for (const { term, key } of terms.categories) {
        if (!folded[i]!.categories.has(key)) continue;
        why.push({ kind: 'category', term });
        relevance += WEIGHTS.category;
      }
      for (const author of terms.authors) {
        if (!authorHits(author).has(i)) continue;
        why.push({ kind: 'author', term: author });
        relevance += WEIGHTS.author;
      }
      if (!why.length) return undefined;
    }
    const score = rankScore(relevance, popularity(paper.upvotes, paper.firstSeenAt, input.now, frequency));
    return { paper, why, relevance, score };
  }

  function computeRanked(rule: Rule, frequency: Frequency): Hit[] {
    const terms = termsOf(rule);
    // Only papers one of the terms takes are judged, found through the caches.
    const candidates = new Set<number>();
    if (terms.catchAll) folded.forEach((_, i) => candidates.add(i));
    else {
      for (const phrase of terms.phrases) for (const i of phraseHits(phrase).keys()) candidates.add(i);
      for (const { key } of terms.categories) for (const i of byCategory.get(key) ?? []) candidates.add(i);
      for (const author of terms.authors) for (const i of authorHits(author)) candidates.add(i);
    }
    const hits: Hit[] = [];
    for (const i of candidates) {
      const hit = hitOf(i, rule, terms, frequency);
      if (hit) hits.push(hit);
    }
    return hits.sort((a, b) => b.score - a.score || b.paper.upvotes - a.paper.upvotes || a.paper.id - b.paper.id);
  }

  return {
    papers: folded.map((f) => f.paper),
    now: input.now,
    paper: (id) => {
      const i = indexOf.get(id);
      return i === undefined ? undefined : folded[i]!.paper;
    },
    ranked(rule, frequency, cacheKey) {
      return cacheKey === undefined ? computeRanked(rule, frequency) : cached(rule, frequency, cacheKey);
    },
    judge(rule, frequency) {
      const terms = termsOf(rule);
      return (paperId) => {
        const i = indexOf.get(paperId);
        return i === undefined ? undefined : hitOf(i, rule, terms, frequency);
      };
    },
    containing(phrases) {
      const ids = new Set<number>();
      for (const phrase of phrases) for (const i of phraseHits(phrase).keys()) ids.add(folded[i]!.paper.id);
      return ids;
    },
  };
}
