// "Recommended for you", as arxiv-sanity-lite does it: tf-idf over title,
// abstract and keywords, and a linear classifier trained per reader, with
// the papers they liked as positives and the papers they disliked plus the
// period's other papers as negatives. The candidates it scores highest are
// those most like what the reader liked and least like everything else.
// Pure and deterministic: no I/O, no clock, no randomness.
import { cosine, dot, fitVectorizer, type SparseVector, type TextPaper } from './tfidf.js';

export type RecommendPaper = TextPaper;

export interface Recommendation {
  paperId: number;
  /** The classifier's probability that the reader likes it (0..1). */
  score: number;
  /** The liked paper it resembles most (tf-idf cosine), for "Like ‘X’, which you liked". */
  likedPaperId: number;
}

/** Readers with fewer likes get no recommendations: two points make no profile. */
export const MIN_LIKES_FOR_RECOMMENDATIONS = 3;
/** A candidate this close to a disliked paper is a near-duplicate of it (a new version, a re-titled copy). */
export const NEAR_DUPLICATE_COSINE = 0.6;
/** A candidate that shares (almost) nothing with any liked paper is no "like X" for that reader. */
export const MIN_RESEMBLANCE = 0.05;

// Logistic regression by Nesterov-accelerated gradient descent. Vectors are
// l2-normalised, so the loss gradient is about 1/4-Lipschitz and a step of 2
// is safe. On the sample papers 10 steps from zero already rank like 400;
// 30 leave a margin. Training is most of a reader's cost.
const STEPS = 30;
const STEP_SIZE = 2;
const L2 = 1e-2;

export interface RecommendInput {
  candidates: RecommendPaper[];
  liked: RecommendPaper[];
  disliked: RecommendPaper[];
  limit: number;
}

/**
 * One reader's recommendations, with the idf fitted over their own
 * candidates. A planning run serves all of its readers from one
 * RecommenderCorpus over the run's papers instead.
 */
export function recommend(input: RecommendInput): Recommendation[] {
  return createRecommenderCorpus(input.candidates).recommend(input);
}

/** The papers of a planning run in one tf-idf space, for all of its readers. */
export interface RecommenderCorpus {
  recommend(input: RecommendInput): Recommendation[];
}

// Pairwise cosines of the corpus are kept for corpora up to this size (8 MB of rows at most).
const MAX_CACHED_ROWS = 1000;

/**
 * The vectorizer is fitted once over the corpus, as arxiv-sanity-lite fits
 * one over all its papers, so every reader's papers share one space. Then a
 * reader's model can be trained on the examples' pairwise cosines (the
 * kernel form of the same logistic regression), read from rows computed once
 * per corpus: m² work per step for m examples instead of a pass over every
 * example's terms and the whole vocabulary. Where m² would cost more (a
 * large window), the weights are trained directly as before.
 */
export function createRecommenderCorpus(papers: readonly RecommendPaper[]): RecommenderCorpus {
  const vectorizer = fitVectorizer(papers);
  const position = new Map(papers.map((p, k) => [p.id, k]));
  const vectors = papers.map((p) => vectorizer.vectorize(p));
  // Each term's papers and weights, to compute a paper's cosines with the whole corpus at once.
  const postings = Array.from({ length: vectorizer.size }, () => ({ papers: [] as number[], values: [] as number[] }));
  vectors.forEach((x, k) => {
    for (let i = 0; i < x.index.length; i++) {
      const posting = postings[x.index[i]!]!;
      posting.papers.push(k);
      posting.values.push(x.value[i]!);
    }
  });
  const cosinesWithCorpus = (x: SparseVector) => {
    const row = new Float64Array(papers.length);
    for (let i = 0; i < x.index.length; i++) {
      const posting = postings[x.index[i]!]!;
      for (let j = 0; j < posting.papers.length; j++) row[posting.papers[j]!]! += x.value[i]! * posting.values[j]!;
    }
    return row;
  };
  const rows = new Map<number, Float64Array>();
  const rowOf = (k: number) => {
    let row = rows.get(k);
    if (!row) {
      row = cosinesWithCorpus(vectors[k]!);
      if (papers.length <= MAX_CACHED_ROWS) rows.set(k, row);
    }
    return row;
  };

  return {
    recommend(input) {
      if (input.liked.length < MIN_LIKES_FOR_RECOMMENDATIONS || input.limit <= 0 || !input.candidates.length) return [];
      const rated = new Set([...input.liked, ...input.disliked].map((p) => p.id));
      const others = input.candidates.filter((p) => !rated.has(p.id));
      // Examples in order: liked (the positives), disliked, then the candidates to score.
      const examples = [...input.liked, ...input.disliked, ...others];
      const at = examples.map((p) => position.get(p.id));
      const x = examples.map((p, e) => (at[e] === undefined ? vectorizer.vectorize(p) : vectors[at[e]]!));
      const m = examples.length;
      const nonZeros = x.reduce((n, v) => n + v.index.length, 0);
      const fit = trainsOnCosines(m, nonZeros, vectorizer.size)
        ? fitByCosines(examples, at, x, rowOf, cosinesWithCorpus, input.liked.length)
        : fitByWeights(vectorizer.size, x, input.liked.length);

      const disliked = Array.from(input.disliked, (_, d) => input.liked.length + d);
      const picks: Recommendation[] = [];
      for (let e = input.liked.length + input.disliked.length; e < m; e++) {
        if (disliked.some((d) => fit.cosine(d, e) >= NEAR_DUPLICATE_COSINE)) continue;
        let best = { likedPaperId: 0, similarity: 0 };
        input.liked.forEach((p, l) => {
          const similarity = fit.cosine(l, e);
          if (similarity > best.similarity) best = { likedPaperId: p.id, similarity };
        });
        if (best.similarity < MIN_RESEMBLANCE) continue;
        picks.push({ paperId: examples[e]!.id, score: sigmoid(fit.logit(e)), likedPaperId: best.likedPaperId });
      }
      return picks.sort((a, b) => b.score - a.score || a.paperId - b.paperId).slice(0, input.limit);
    },
  };
}

/** Per step, the kernel form costs m² for m examples; the weights, a pass over the examples' terms and the vocabulary. */
export function trainsOnCosines(examples: number, nonZeros: number, vocabulary: number): boolean {
  return examples * examples <= 2 * nonZeros + 4 * vocabulary;
}

/** A reader's trained model, and the cosines between their examples, by example number. */
interface Fit {
  logit(example: number): number;
  cosine(a: number, b: number): number;
}

function fitByWeights(size: number, x: SparseVector[], positives: number): Fit {
  const examples = compactExamples(size, x);
  const model = trainLogistic(examples.size, examples.vectors.slice(0, positives), examples.vectors.slice(positives));
  return {
    logit: (e) => dot(model.weights, examples.vectors[e]!) + model.bias,
    cosine: (a, b) => cosine(x[a]!, x[b]!),
  };
}

function fitByCosines(
  examples: RecommendPaper[],
  at: Array<number | undefined>,
  x: SparseVector[],
  rowOf: (k: number) => Float64Array,
  cosinesWithCorpus: (x: SparseVector) => Float64Array,
  positives: number,
): Fit {
  const m = examples.length;
  // Rated papers from earlier periods lie outside the corpus: their cosines are computed here.
  const rowsOf = at.map((k, e) => (k === undefined ? cosinesWithCorpus(x[e]!) : rowOf(k)));
  const gram = new Float64Array(m * m);
  for (let a = 0; a < m; a++) {
    for (let b = a; b < m; b++) {
      const k = at[b] ?? -1;
      const value = k >= 0 ? rowsOf[a]![k]! : at[a] !== undefined ? rowsOf[b]![at[a]!]! : cosine(x[a]!, x[b]!);
      gram[a * m + b] = gram[b * m + a] = value;
    }
  }
  const model = trainByCosines(gram, m, positives);
  return {
    logit: (e) => {
      let z = model.bias;
      for (let a = 0; a < m; a++) z += gram[e * m + a]! * model.alpha[a]!;
      return z;
    },
    cosine: (a, b) => gram[a * m + b]!,
  };
}

/**
 * trainLogistic in its kernel form: the weights are kept as a combination
 * of the examples (w = Σ alpha_a x_a), which they always are when training
 * starts from zero, so that w·x_b is Σ alpha_a (x_a·x_b), read from the
 * cosines. Same steps, same momentum, same regulariser: the same model.
 * The schedule is written out again rather than shared through a step
 * callback: with the loops in a closure this form ran ~35 % slower.
 */
export function trainByCosines(
  gram: Float64Array,
  m: number,
  positives: number,
): { alpha: Float64Array; bias: number } {
  const classWeight = [0.5 / Math.max(1, m - positives), 0.5 / Math.max(1, positives)];
  const alpha = new Float64Array(m);
  const ahead = new Float64Array(m);
  const error = new Float64Array(m);
  let bias = 0;
  let previousBias = 0;
  for (let step = 1; step <= STEPS; step++) {
    const momentum = (step - 1) / (step + 2);
    const aheadBias = bias + momentum * (bias - previousBias);
    let biasGradient = 0;
    for (let a = 0; a < m; a++) {
      let z = 0;
      for (let b = 0, row = a * m; b < m; b++) z += gram[row + b]! * ahead[b]!;
      const y = a < positives ? 1 : 0;
      error[a] = classWeight[y]! * (sigmoid(z + aheadBias) - y);
      biasGradient += error[a]!;
    }
    const next = step / (step + 3);
    for (let a = 0; a < m; a++) {
      const last = alpha[a]!;
      const updated = ahead[a]! - STEP_SIZE * (error[a]! + L2 * ahead[a]!);
      alpha[a] = updated;
      ahead[a] = updated + next * (updated - last);
    }
    previousBias = bias;
    bias = aheadBias - STEP_SIZE * biasGradient;
  }
  return { alpha, bias };
}

/**
 * The training set with every term that occurs in one example only folded
 * into one private feature per example, worth the l2 norm of those terms.
 * Exact, not an approximation: from zero weights, gradient descent moves
 * such a term's weight in proportion to its value in that example alone, so
 * together they add (that norm)² × one scalar to the example's score, which
 * is what the private feature adds. Most of a period's bigrams occur in one
 * abstract, so the model has a few thousand weights to update per step where
 * the vocabulary has tens of thousands. Cosines still use the full vectors.
 */
export function compactExamples(size: number, vectors: SparseVector[]): { size: number; vectors: SparseVector[] } {
  const documents = new Int32Array(size);
  for (const x of vectors) for (const term of x.index) documents[term]! += 1;
  // Shared terms keep their order, so compact indexes stay ascending; private features come after them.
  const shared = new Int32Array(size).fill(-1);
  let next = 0;
  for (let term = 0; term < size; term++) if (documents[term]! > 1) shared[term] = next++;
  const compact = vectors.map((x, example) => {
    const index: number[] = [];
    const value: number[] = [];
    let own = 0;
    for (let k = 0; k < x.index.length; k++) {
      const term = shared[x.index[k]!]!;
      if (term < 0) {
        own += x.value[k]! * x.value[k]!;
      } else {
        index.push(term);
        value.push(x.value[k]!);
      }
    }
    if (own > 0) {
      index.push(next + example);
      value.push(Math.sqrt(own));
    }
    return { index: Int32Array.from(index), value: Float64Array.from(value) };
  });
  return { size: next + vectors.length, vectors: compact };
}

interface LinearModel {
  weights: Float64Array;
  bias: number;
}

/**
 * L2-regularised logistic regression with balanced class weights (a few
 * likes against a period of negatives must still count), minimised by
 * accelerated gradient descent on the full batch.
 */
export function trainLogistic(size: number, positives: SparseVector[], negatives: SparseVector[]): LinearModel {
  const examples = [...positives.map((x) => ({ x, y: 1 })), ...negatives.map((x) => ({ x, y: 0 }))];
  const classWeight = [0.5 / Math.max(1, negatives.length), 0.5 / Math.max(1, positives.length)];
  const weights = new Float64Array(size);
  const ahead = new Float64Array(size);
  const gradient = new Float64Array(size);
  let bias = 0;
  let previousBias = 0;
  // One dense pass per step, not three: each term's update ends a step and
  // its look-ahead (with the regulariser's share of the gradient) starts the
  // next; the first step looks ahead from zero, which the arrays already
  // hold. The arithmetic per term is unchanged: the model is the same to the bit.
  for (let step = 1; step <= STEPS; step++) {
    // Look ahead along the momentum, take the gradient there.
    const momentum = (step - 1) / (step + 2);
    const aheadBias = bias + momentum * (bias - previousBias);
    let biasGradient = 0;
    for (const { x, y } of examples) {
      const error = classWeight[y]! * (sigmoid(dot(ahead, x) + aheadBias) - y);
      biasGradient += error;
      for (let k = 0; k < x.index.length; k++) {
        const term = x.index[k]!;
        gradient[term] = gradient[term]! + error * x.value[k]!;
      }
    }
    const next = step / (step + 3);
    for (let k = 0; k < size; k++) {
      const last = weights[k]!;
      const updated = ahead[k]! - STEP_SIZE * gradient[k]!;
      weights[k] = updated;
      ahead[k] = updated + next * (updated - last);
      gradient[k] = L2 * ahead[k]!;
    }
    previousBias = bias;
    bias = aheadBias - STEP_SIZE * biasGradient;
  }
  return { weights, bias };
}

function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}
