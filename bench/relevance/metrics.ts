// Ranking metrics with binary relevance, as TREC and most recommender papers
// define them. A ranking shorter than k counts its empty places as misses:
// an email that shows 3 papers where 10 were wanted is not "100 % precise".

/** Share of the first k places that hold a relevant paper. */
export function precisionAtK(ranked: readonly string[], relevant: ReadonlySet<string>, k: number): number {
  let hits = 0;
  for (const id of ranked.slice(0, k)) if (relevant.has(id)) hits += 1;
  return hits / k;
}

/**
 * Normalised discounted cumulative gain: a relevant paper at place i (from 1)
 * gains 1 / log2(i + 1); divided by the gain of the best possible ranking,
 * which puts min(k, |relevant|) relevant papers first. 0 when nothing is relevant.
 */
export function ndcgAtK(ranked: readonly string[], relevant: ReadonlySet<string>, k: number): number {
  let dcg = 0;
  ranked.slice(0, k).forEach((id, i) => {
    if (relevant.has(id)) dcg += 1 / Math.log2(i + 2);
  });
  let ideal = 0;
  for (let i = 0; i < Math.min(k, relevant.size); i++) ideal += 1 / Math.log2(i + 2);
  return ideal === 0 ? 0 : dcg / ideal;
}

export function mean(values: readonly number[]): number {
  return values.length === 0 ? 0 : values.reduce((sum, v) => sum + v, 0) / values.length;
}
