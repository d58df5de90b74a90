// Tf-idf vectors of papers, as arxiv-sanity-lite builds them (scikit-learn's
// TfidfVectorizer with English stop words, unigrams and bigrams, sublinear
// tf, smooth idf, l2 norm), with Porter stemming so "models" and "modeling"
// meet. Pure: no I/O.
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

export interface Vectorizer {
  /** Number of terms in the vocabulary: vector indexes are below it. */
  size: number;
  vectorize(paper: TextPaper): SparseVector;
}

/**
 * Learns the vocabulary and idf from a corpus. A term the corpus never saw
 * gets the highest idf and counts in a vector's norm, but has no index: no
 * corpus document shares it, so it could not change a similarity or a score.
 */
export function fitVectorizer(corpus: readonly TextPaper[]): Vectorizer {
  const vocabulary = new Map<string, number>();
  const documentFrequency: number[] = [];
  for (const paper of corpus) {
    for (const term of new Set(paperTerms(paper))) {
      let index = vocabulary.get(term);
      if (index === undefined) vocabulary.set(term, (index = documentFrequency.push(0) - 1));
      documentFrequency[index]! += 1;
    }
  }
  const n = corpus.length;
  const idf = documentFrequency.map((df) => Math.log((1 + n) / (1 + df)) + 1);
  const unseenIdf = Math.log(1 + n) + 1;

  return {
    size: idf.length,
    vectorize(paper) {
      const counts = new Map<string, number>();
      for (const term of paperTerms(paper)) counts.set(term, (counts.get(term) ?? 0) + 1);
      const entries: Array<[number, number]> = [];
      let squares = 0;
      for (const [term, count] of counts) {
        const index = vocabulary.get(term);
        const weight = (1 + Math.log(count)) * (index === undefined ? unseenIdf : idf[index]!);
        squares += weight * weight;
        if (index !== undefined) entries.push([index, weight]);
      }
      entries.sort((a, b) => a[0] - b[0]);
      const norm = Math.sqrt(squares) || 1;
      return { index: Int32Array.from(entries, (e) => e[0]), value: Float64Array.from(entries, (e) => e[1] / norm) };
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
