// "Recommended for you", as arxiv-sanity-lite does it: tf-idf over title,
// abstract and keywords, and a linear classifier trained per reader, with
// the papers they liked as positives and the papers they disliked plus the
// period's other papers as negatives. The candidates it scores highest are
// those most like what the reader liked and least like everything else.
// Pure and deterministic: no I/O, no clock, no randomness.
import {
  cosine,
  createPaperTerms,
  dot,
  fitVectorizer,
  type PaperTerms,
  type SparseVector,
  type TextPaper,
} from './tfidf.js';

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
 * One reader's recommendations. The idf is fitted over this reader's own
 * candidates (the period's papers they have not had), as always; pass the
 * planning run's shared `terms` so that the papers' text is tokenized once
 * per run rather than once per reader: the result is the same either way.
 */
export function recommend(input: RecommendInput, terms: PaperTerms = createPaperTerms()): Recommendation[] {
  if (input.liked.length < MIN_LIKES_FOR_RECOMMENDATIONS || input.limit <= 0 || !input.candidates.length) return [];
  const vectorizer = fitVectorizer(input.candidates, terms);
  const vectors = new Map(input.candidates.map((p) => [p.id, vectorizer.vectorize(p)]));
  const vectorOf = (p: RecommendPaper) => vectors.get(p.id) ?? vectorizer.vectorize(p);
  const liked = input.liked.map((p) => ({ id: p.id, x: vectorOf(p) }));
  const disliked = input.disliked.map(vectorOf);
  const rated = new Set([...input.liked, ...input.disliked].map((p) => p.id));

  const others = [...vectors].filter(([id]) => !rated.has(id)).map(([id, x]) => ({ id, x }));
  const examples = compactExamples(vectorizer.size, [...liked.map((p) => p.x), ...disliked, ...others.map((p) => p.x)]);
  const model = trainLogistic(
    examples.size,
    examples.vectors.slice(0, liked.length),
    examples.vectors.slice(liked.length),
  );
  const scored = examples.vectors.slice(liked.length + disliked.length);

  const picks: Recommendation[] = [];
  for (const [k, { id, x }] of others.entries()) {
    if (disliked.some((d) => cosine(d, x) >= NEAR_DUPLICATE_COSINE)) continue;
    let best = { likedPaperId: 0, similarity: 0 };
    for (const p of liked) {
      const similarity = cosine(p.x, x);
      if (similarity > best.similarity) best = { likedPaperId: p.id, similarity };
    }
    if (best.similarity < MIN_RESEMBLANCE) continue;
    picks.push({
      paperId: id,
      score: sigmoid(dot(model.weights, scored[k]!) + model.bias),
      likedPaperId: best.likedPaperId,
    });
  }
  return picks.sort((a, b) => b.score - a.score || a.paperId - b.paperId).slice(0, input.limit);
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
  const previous = new Float64Array(size);
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
      previous[k] = last;
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
