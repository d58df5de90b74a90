// The relevance benchmark's metrics against values worked out by hand.
import { describe, expect, it } from 'vitest';
import { mean, ndcgAtK, precisionAtK } from '../../bench/relevance/metrics.js';

const relevant = new Set(['a', 'b', 'c']);

describe('precision@k', () => {
  it('counts relevant papers in the first k places over k', () => {
    // a . b . . → 2 of 5
    expect(precisionAtK(['a', 'x', 'b', 'y', 'z', 'c'], relevant, 5)).toBe(0.4);
    expect(precisionAtK(['a', 'b', 'c'], relevant, 3)).toBe(1);
    expect(precisionAtK(['x', 'y'], relevant, 2)).toBe(0);
  });

  it('counts the empty places of a short ranking as misses', () => {
    // two hits, ten places
    expect(precisionAtK(['a', 'b'], relevant, 10)).toBe(0.2);
    expect(precisionAtK([], relevant, 10)).toBe(0);
  });
});

describe('nDCG@k', () => {
  it('is 1 for the ideal ranking and 0 without a hit', () => {
    expect(ndcgAtK(['c', 'a', 'b', 'x'], relevant, 3)).toBeCloseTo(1, 12);
    expect(ndcgAtK(['x', 'y', 'z'], relevant, 3)).toBe(0);
    expect(ndcgAtK(['a', 'b'], new Set<string>(), 10)).toBe(0);
  });

  it('discounts a hit by log2 of its place plus one', () => {
    // Hits at places 2 and 3 of 3; three relevant, so the ideal fills all three.
    // DCG = 1/log2(3) + 1/log2(4) = 0.63093 + 0.5 = 1.13093
    // IDCG = 1 + 0.63093 + 0.5 = 2.13093  →  0.53072
    expect(ndcgAtK(['x', 'a', 'b'], relevant, 3)).toBeCloseTo(0.53072, 4);
  });

  it('takes the ideal over min(k, relevant) papers', () => {
    // One relevant paper, found at place 2 of 10: (1/log2 3) / 1 = 0.63093
    expect(ndcgAtK(['x', 'a', 'y'], new Set(['a']), 10)).toBeCloseTo(0.63093, 4);
    // Two hits at places 1 and 4, k = 4, three relevant:
    // DCG = 1 + 1/log2(5) = 1.43068; IDCG = 2.13093  →  0.67139
    expect(ndcgAtK(['a', 'x', 'y', 'b'], relevant, 4)).toBeCloseTo(0.67139, 4);
  });
});

describe('mean', () => {
  it('averages, and is 0 for nothing', () => {
    expect(mean([0.5, 1, 0])).toBe(0.5);
    expect(mean([])).toBe(0);
  });
});
