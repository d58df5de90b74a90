// Ranker (a), the baseline: the matching rule of src/digest/matcher.ts as it
// stood at commit 1ce7a64, before issue #11 replaced it. Kept here, frozen, so
// the benchmark still measures "today's rule" after the matcher changes.
// Only the rule is copied (text folding, the keyword and category test, the
// relevance weights, the order of a topic list); sections and windows are not
// part of ranking one reader's papers. Do not "fix" it: it is the yardstick.
import type { BenchPaper, Interests } from './dataset.js';

/** Lower-case, split on anything but letters and digits, singular: " attention mechanism ". */
function normalizeText(text: string): string {
  const tokens = text
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean)
    .map(singularize);
  return tokens.length ? ` ${tokens.join(' ')} ` : ' ';
}

function singularize(word: string): string {
  if (word.length <= 3 || /\d/.test(word)) return word;
  if (word.endsWith('ies') && word.length > 4) return `${word.slice(0, -3)}y`;
  if (word.endsWith('sses')) return word.slice(0, -2);
  if (/(ss|us|is)$/.test(word)) return word;
  if (/(xes|ches|shes)$/.test(word)) return word.slice(0, -2);
  if (word.endsWith('s')) return word.slice(0, -1);
  return word;
}

interface Hit {
  index: number;
  paper: BenchPaper;
  relevance: number;
  /** trendingScore for papers of one period (age 0): upvotes + 1. */
  score: number;
}

/**
 * matchPaper: keywords (title 3, Hugging Face keywords 2, abstract 1) OR
 * categories (1 each). Papers of the set carry no Hugging Face keywords, so
 * the middle weight never applies and is left out.
 */
function relevanceOf(interests: Interests, paper: BenchPaper): number | null {
  const title = normalizeText(paper.title);
  const abstract = normalizeText(paper.abstract);
  let matched = 0;
  let relevance = 0;
  for (const keyword of interests.include) {
    const needle = normalizeText(keyword);
    if (needle === ' ') continue;
    const inTitle = title.includes(needle);
    const inAbstract = abstract.includes(needle);
    if (!inTitle && !inAbstract) continue;
    matched += 1;
    relevance += (inTitle ? 3 : 0) + (inAbstract ? 1 : 0);
  }
  const categories = new Set(paper.categories.map((c) => c.trim().toLowerCase()));
  for (const category of interests.categories) {
    if (category.trim() && categories.has(category.trim().toLowerCase())) {
      matched += 1;
      relevance += 1;
    }
  }
  return matched ? relevance : null;
}

/**
 * The reader's include phrases and categories as one topic list; every paper
 * of the set is from one period, so the age damping is equal for all and the
 * order is compareHits for a topic list: score (upvotes), then relevance,
 * then upvotes, then the order papers were stored in.
 */
export function rankBySubstringRule(interests: Interests, papers: BenchPaper[]): string[] {
  const hits: Hit[] = [];
  papers.forEach((paper, index) => {
    const relevance = relevanceOf(interests, paper);
    if (relevance !== null) hits.push({ index, paper, relevance, score: Math.max(0, paper.upvotes) + 1 });
  });
  hits.sort(
    (a, b) => b.score - a.score || b.relevance - a.relevance || b.paper.upvotes - a.paper.upvotes || a.index - b.index,
  );
  return hits.map((hit) => hit.paper.id);
}
