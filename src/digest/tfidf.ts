// Tf-idf vectors of papers, as arxiv-sanity-lite builds them (scikit-learn's
// TfidfVectorizer with English stop words, unigrams and bigrams, sublinear
// tf, smooth idf, l2 norm), with Porter stemming so "models" and "modeling"
// meet. Pure: no I/O. The text work (folding, stemming, bigrams) is most of
// the cost and the same for every fit over the same papers, so it is kept in
// PaperTerms: a planning run tokenizes each paper once, and fitting a
// reader's vectorizer is integer work over the papers' term bags.
import { stemmer } from 'stemmer';

export interface TextPaper {
  id: number;
  title: string;
  abstract: string;
  keywords: string[];
}

/** A sparse l2-normalised vector: term indexes ascending, with their weights. */
export interface SparseVector {
  index: Int32Array;
  value: Float64Array;
}

// After scikit-learn's English list, trimmed to words that occur in abstracts.
const STOP_WORDS = new Set(
  `a about above after again against all almost also although always am among an and another any are around as at be
  became because been before being below between both but by can cannot could did do does doing done down due during
  each either else enough etc even ever every few for from further get give given had has have having he her here hers
  him his how however i if in into is it its itself just least less made many may me might more most mostly much must
  my neither no nor not now of off often on once one only onto or other others otherwise our ours out over own per
  perhaps please rather re same see seem seemed seems several she should show shown shows since so some still such than
  that the their them themselves then there thereby therefore these they this those though through thus to together too
  toward towards under until up upon us use used uses using very via was we well were what whatever when where whether
  which while who whole whom whose why will with within without would yet you your`.split(/\s+/),
);

// Stemming is most of the cost of vectorising, and a period's papers share
// most of their words; the cache is dropped whole when it gets large.
const stems = new Map<string, string>();
const MAX_CACHED_STEMS = 200_000;

function stem(word: string): string {
  let stemmed = stems.get(word);
  if (stemmed === undefined) {
    if (stems.size >= MAX_CACHED_STEMS) stems.clear();
    stems.set(word, (stemmed = stemmer(word)));
  }
  return stemmed;
}

/** Stemmed content words of a text, in order. */
export function tokenize(text: string): string[] {
  const words = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .match(/[a-z][a-z0-9]+/g);
  return (words ?? []).filter((w) => !STOP_WORDS.has(w)).map(stem);
}

/** Unigrams and bigrams of a paper's title, keywords and abstract. */
export function paperTerms(paper: TextPaper): string[] {
  const tokens = tokenize(`${paper.title}. ${paper.keywords.join(', ')}. ${paper.abstract}`);
  const terms = [...tokens];
  for (let i = 1; i < tokens.length; i++) terms.push(`${tokens[i - 1]} ${tokens[i]}`);
  return terms;
}

/** A paper's distinct terms (ids in its PaperTerms' dictionary), in order of first occurrence, with their counts. */
export interface TermBag {
  terms: Int32Array;
  counts: Int32Array;
}

/** Papers tokenized once, by id: share one across fits over the same papers (ids must name one text each). */
export interface PaperTerms {
  bag(paper: TextPaper): TermBag;
  /** Terms in the dictionary so far: every term id is below it. */
  readonly size: number;
}

export function createPaperTerms(): PaperTerms {
  const dictionary = new Map<string, number>();
  const bags = new Map<number, TermBag>();
  return {
    bag(paper) {
      let bag = bags.get(paper.id);
      if (!bag) {
        const terms: number[] = [];
        const counts: number[] = [];
        const at = new Map<number, number>();
        for (const term of paperTerms(paper)) {
          let id = dictionary.get(term);
          if (id === undefined) dictionary.set(term, (id = dictionary.size));
          const k = at.get(id);
          if (k === undefined) {
            at.set(id, terms.push(id) - 1);
            counts.push(1);
          } else counts[k]! += 1;
        }
        bag = { terms: Int32Array.from(terms), counts: Int32Array.from(counts) };
        bags.set(paper.id, bag);
      }
      return bag;
    },
    get size() {
      return dictionary.size;
    },
  };
}

export interface Vectorizer {
  /** Number of terms in the vocabulary: vector indexes are below it. */
  size: number;
  vectorize(paper: TextPaper): SparseVector;
}

/**
 * Learns the vocabulary and idf from a corpus. A term the corpus never saw
 * gets the highest idf and counts in a vector's norm, but has no index: no
 * corpus document shares it, so it could not change a similarity or a score.
 * Vocabulary indexes follow the terms' first occurrence in the corpus, so a
 * fit from shared PaperTerms is the same, to the bit, as one from text.
 */
export function fitVectorizer(corpus: readonly TextPaper[], terms: PaperTerms = createPaperTerms()): Vectorizer {
  const bags = corpus.map((paper) => terms.bag(paper));
  // Term id → vocabulary index; -1 (and ids added after the fit) for terms the corpus lacks.
  const vocabulary = new Int32Array(terms.size).fill(-1);
  const documentFrequency: number[] = [];
  for (const bag of bags) {
    for (const term of bag.terms) {
      let index = vocabulary[term]!;
      if (index < 0) vocabulary[term] = index = documentFrequency.push(0) - 1;
      documentFrequency[index]! += 1;
    }
  }
  const n = corpus.length;
  const idf = documentFrequency.map((df) => Math.log((1 + n) / (1 + df)) + 1);
  const unseenIdf = Math.log(1 + n) + 1;

  // A paper's weights by vocabulary index, so that its indexes sort as plain numbers (a bag holds each term once).
  const weights = new Float64Array(idf.length);

  return {
    size: idf.length,
    vectorize(paper) {
      const bag = terms.bag(paper);
      const found = new Int32Array(bag.terms.length);
      let n = 0;
      let squares = 0;
      for (let k = 0; k < bag.terms.length; k++) {
        const index = vocabulary[bag.terms[k]!] ?? -1;
        const weight = (1 + Math.log(bag.counts[k]!)) * (index < 0 ? unseenIdf : idf[index]!);
        squares += weight * weight;
        if (index >= 0) weights[(found[n++] = index)] = weight;
      }
      const index = found.slice(0, n).sort();
      const norm = Math.sqrt(squares) || 1;
      const value = new Float64Array(n);
      for (let k = 0; k < n; k++) value[k] = weights[index[k]!]! / norm;
      return { index, value };
    },
  };
}

/** Cosine of two l2-normalised vectors: their dot product. */
export function cosine(a: SparseVector, b: SparseVector): number {
  let i = 0;
  let j = 0;
  let sum = 0;
  while (i < a.index.length && j < b.index.length) {
    const ai = a.index[i]!;
    const bj = b.index[j]!;
    if (ai === bj) sum += a.value[i++]! * b.value[j++]!;
    else if (ai < bj) i++;
    else j++;
  }
  return sum;
}

export function dot(weights: Float64Array, x: SparseVector): number {
  let sum = 0;
  for (let k = 0; k < x.index.length; k++) sum += weights[x.index[k]!]! * x.value[k]!;
  return sum;
}
