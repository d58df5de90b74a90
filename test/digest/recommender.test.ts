// The recommender on real papers: the shipped sample (59 Hugging Face daily
// papers with their arXiv abstracts).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  compactExamples,
  createRecommenderCorpus,
  MIN_LIKES_FOR_RECOMMENDATIONS,
  recommend,
  trainByCosines,
  trainsOnCosines,
  trainLogistic,
  type RecommendPaper,
} from '../../src/digest/recommender.js';
import { cosine, dot, fitVectorizer } from '../../src/digest/tfidf.js';

interface SampleItem {
  paper: { id: string; title: string; summary: string; ai_keywords?: string[] };
}

const sample = (
  JSON.parse(readFileSync(new URL('../../data/sample/daily-papers.json', import.meta.url), 'utf8')) as SampleItem[]
).filter((item) => item.paper?.id);
const papers: RecommendPaper[] = sample.map((item, i) => ({
  id: i + 1,
  title: item.paper.title,
  abstract: item.paper.summary,
  keywords: item.paper.ai_keywords ?? [],
}));
const idOf = new Map(sample.map((item, i) => [item.paper.id, i + 1]));
const paper = (arxivId: string): RecommendPaper => papers.find((p) => p.id === idOf.get(arxivId))!;

const VIDEO_LIKES = ['2208.12801', '2504.01407', '2510.12422'].map(paper); // video matting, long-video search, long-video memory
const VIDEO = ['2403.00476', '2403.19046', '2410.06241'].map(paper); // TempCompass, LITA, BroadWay (text-to-video)
const BRAIN_LIKES = ['2406.17086', '2408.15255', '2312.01994'].map(paper); // BrainMAE, EEG emotion, fMRI
const BRAIN = ['2508.18226', '2105.07284'].map(paper); // brains vs vision models, brain basis of intelligence
const UNRELATED_TO_VIDEO = [...BRAIN_LIKES, paper('2509.09650')]; // and LLM mental arithmetic

function candidatesWithout(rated: RecommendPaper[], extra: RecommendPaper[] = []): RecommendPaper[] {
  const ids = new Set(rated.map((p) => p.id));
  return [...papers.filter((p) => !ids.has(p.id)), ...extra];
}

/** Position in the full ranking; a paper left out ranks after every returned one. */
function rankOf(ranking: Array<{ paperId: number }>, p: RecommendPaper): number {
  const at = ranking.findIndex((r) => r.paperId === p.id);
  return at === -1 ? Number.MAX_SAFE_INTEGER : at;
}

describe('recommend', () => {
  it('ranks papers like the liked ones above unrelated papers', () => {
    const ranking = recommend({
      candidates: candidatesWithout(VIDEO_LIKES),
      liked: VIDEO_LIKES,
      disliked: [],
      limit: papers.length,
    });
    for (const video of VIDEO) {
      expect(rankOf(ranking, video)).toBeLessThan(15);
      for (const other of UNRELATED_TO_VIDEO) expect(rankOf(ranking, video)).toBeLessThan(rankOf(ranking, other));
    }
    expect(ranking.map((r) => r.paperId)).not.toEqual(expect.arrayContaining(VIDEO_LIKES.map((p) => p.id)));
  });

  it('learns each reader separately from the same candidates', () => {
    const candidates = candidatesWithout([...BRAIN_LIKES, ...VIDEO_LIKES]);
    const brain = recommend({ candidates, liked: BRAIN_LIKES, disliked: [], limit: papers.length });
    const video = recommend({ candidates, liked: VIDEO_LIKES, disliked: [], limit: papers.length });
    for (const b of BRAIN) for (const v of VIDEO) expect(rankOf(brain, b)).toBeLessThan(rankOf(brain, v));
    for (const b of BRAIN) for (const v of VIDEO) expect(rankOf(video, v)).toBeLessThan(rankOf(video, b));
  });

  it('names the liked paper a recommendation resembles most', () => {
    const likedMatting = VIDEO_LIKES[0]!;
    const newVersion = { ...likedMatting, id: 9001, title: `${likedMatting.title} (v2)` };
    const ranking = recommend({
      candidates: candidatesWithout(VIDEO_LIKES, [newVersion]),
      liked: VIDEO_LIKES,
      disliked: [],
      limit: 5,
    });
    expect(ranking[0]).toMatchObject({ paperId: 9001, likedPaperId: likedMatting.id });
    for (const r of ranking) expect(VIDEO_LIKES.map((p) => p.id)).toContain(r.likedPaperId);
  });

  it('never returns a disliked paper', () => {
    const tempCompass = VIDEO[0]!;
    const candidates = candidatesWithout(VIDEO_LIKES);
    const before = recommend({ candidates, liked: VIDEO_LIKES, disliked: [], limit: 5 });
    expect(before.map((r) => r.paperId)).toContain(tempCompass.id);
    const after = recommend({ candidates, liked: VIDEO_LIKES, disliked: [tempCompass], limit: papers.length });
    expect(after.map((r) => r.paperId)).not.toContain(tempCompass.id);
    expect(after.length).toBeGreaterThan(0);
  });

  it('never returns a near-duplicate of a disliked paper', () => {
    const tempCompass = VIDEO[0]!;
    const sentences = tempCompass.abstract.split('. ');
    const reworded: RecommendPaper = {
      id: 9002,
      title: tempCompass.title.replace('Really', 'Truly'),
      abstract: [...sentences.slice(1), 'Code and data are released.'].join('. '),
      keywords: [],
    };
    const liked = VIDEO_LIKES;
    const withDuplicate = candidatesWithout(liked, [reworded]);
    const control = recommend({ candidates: withDuplicate, liked, disliked: [], limit: papers.length });
    expect(control.map((r) => r.paperId)).toContain(reworded.id);
    // The reader disliked the original, in an earlier period: it is not a candidate now.
    const now = recommend({
      candidates: withDuplicate.filter((p) => p.id !== tempCompass.id),
      liked,
      disliked: [tempCompass],
      limit: papers.length,
    });
    expect(now.map((r) => r.paperId)).not.toContain(reworded.id);
    // A paper on the same topic that is not a copy still comes.
    expect(now.map((r) => r.paperId)).toContain(VIDEO[1]!.id);
  });

  it(`recommends nothing below ${MIN_LIKES_FOR_RECOMMENDATIONS} likes`, () => {
    expect(MIN_LIKES_FOR_RECOMMENDATIONS).toBe(3);
    const twoLikes = VIDEO_LIKES.slice(0, 2);
    expect(
      recommend({
        candidates: candidatesWithout(twoLikes),
        liked: twoLikes,
        disliked: [paper('2509.09650')],
        limit: 10,
      }),
    ).toEqual([]);
    expect(
      recommend({ candidates: candidatesWithout(VIDEO_LIKES), liked: VIDEO_LIKES, disliked: [], limit: 10 }),
    ).toHaveLength(10);
  });

  it('serves every reader of a run from one corpus, whatever order they come in', () => {
    // Readers of one run: different likes and dislikes, and different papers already sent, so different candidates.
    const readers = [
      { liked: VIDEO_LIKES, disliked: [], sent: [] },
      { liked: BRAIN_LIKES, disliked: [paper('2509.09650')], sent: VIDEO.slice(0, 2) },
      { liked: VIDEO_LIKES, disliked: [VIDEO[0]!], sent: papers.filter((p) => p.id % 3 === 0) },
      { liked: [...BRAIN_LIKES, VIDEO[2]!], disliked: [], sent: papers.filter((p) => p.id % 4 === 1) },
    ].map((reader) => ({
      candidates: candidatesWithout([...reader.liked, ...reader.disliked, ...reader.sent]),
      liked: reader.liked,
      disliked: reader.disliked,
      limit: papers.length,
    }));
    const forward = createRecommenderCorpus(papers);
    const first = readers.map((input) => forward.recommend(input));
    const backward = createRecommenderCorpus(papers);
    const again = [...readers].reverse().map((input) => backward.recommend(input));
    expect(again.reverse()).toEqual(first);
    for (const [r, picks] of first.entries()) {
      expect(picks.length).toBeGreaterThan(0);
      const candidates = new Set(readers[r]!.candidates.map((p) => p.id));
      for (const pick of picks) expect(candidates.has(pick.paperId)).toBe(true);
    }
    // In the run's space as in the reader's own, the video reader gets video first.
    const video = first[0]!.map((r) => r.paperId);
    for (const p of VIDEO)
      for (const q of UNRELATED_TO_VIDEO) expect(rankOf(first[0]!, p)).toBeLessThan(rankOf(first[0]!, q));
    expect(video.length).toBeGreaterThan(VIDEO.length);
  });

  it('trains a large window on its terms, and still recommends what the reader liked', () => {
    // Ten copies of each paper: a window of 580 candidates, too many for the kernel form.
    const copies = Array.from({ length: 10 }, (_, c) => papers.map((p) => ({ ...p, id: p.id + c * 1000 }))).flat();
    const vectorizer = fitVectorizer(copies);
    const nonZeros = copies.reduce((n, p) => n + vectorizer.vectorize(p).index.length, 0);
    expect(trainsOnCosines(copies.length, nonZeros, vectorizer.size)).toBe(false);
    expect(trainsOnCosines(papers.length, nonZeros / 10, vectorizer.size)).toBe(true);
    const picks = recommend({
      candidates: candidatesWithout(VIDEO_LIKES, copies.slice(papers.length)),
      liked: VIDEO_LIKES,
      disliked: [],
      limit: 40,
    });
    const copiesOf = (list: RecommendPaper[]) =>
      new Set(list.flatMap((p) => Array.from({ length: 10 }, (_, c) => p.id + c * 1000)));
    // The other copies of the liked papers come first, and nothing unrelated comes at all.
    const liked = copiesOf(VIDEO_LIKES);
    expect(picks.slice(0, 27).every((r) => liked.has(r.paperId))).toBe(true);
    const unrelated = copiesOf(UNRELATED_TO_VIDEO);
    expect(picks.filter((r) => unrelated.has(r.paperId))).toEqual([]);
  });

  it('trains on the examples’ cosines to the same model as on their terms', () => {
    const vectorizer = fitVectorizer(papers);
    const vectors = [...VIDEO_LIKES, ...candidatesWithout(VIDEO_LIKES)].map((p) => vectorizer.vectorize(p));
    const m = vectors.length;
    const gram = new Float64Array(m * m);
    for (let a = 0; a < m; a++) for (let b = 0; b < m; b++) gram[a * m + b] = cosine(vectors[a]!, vectors[b]!);
    const byTerms = trainLogistic(vectorizer.size, vectors.slice(0, 3), vectors.slice(3));
    const byCosines = trainByCosines(gram, m, 3);
    expect(byCosines.bias).toBeCloseTo(byTerms.bias, 10);
    vectors.forEach((x, b) => {
      let z = 0;
      for (let a = 0; a < m; a++) z += gram[b * m + a]! * byCosines.alpha[a]!;
      expect(z).toBeCloseTo(dot(byTerms.weights, x), 10);
    });
  });

  it('trains on compacted examples to the same scores as on the full vocabulary', () => {
    const vectorizer = fitVectorizer(candidatesWithout(BRAIN_LIKES));
    const vectors = [...BRAIN_LIKES, ...candidatesWithout(BRAIN_LIKES)].map((p) => vectorizer.vectorize(p));
    const positives = BRAIN_LIKES.length;
    const compact = compactExamples(vectorizer.size, vectors);
    // Most terms (bigrams above all) occur in one paper only: they fold away.
    expect(compact.size).toBeLessThan(vectorizer.size / 2);
    const full = trainLogistic(vectorizer.size, vectors.slice(0, positives), vectors.slice(positives));
    const folded = trainLogistic(compact.size, compact.vectors.slice(0, positives), compact.vectors.slice(positives));
    expect(folded.bias).toBeCloseTo(full.bias, 10);
    vectors.forEach((x, k) => expect(dot(folded.weights, compact.vectors[k]!)).toBeCloseTo(dot(full.weights, x), 10));
  });

  it('is deterministic, respects the limit and scores as probabilities, best first', () => {
    const input = {
      candidates: candidatesWithout(VIDEO_LIKES),
      liked: VIDEO_LIKES,
      disliked: [paper('2509.09650')],
      limit: 7,
    };
    const first = recommend(input);
    expect(first).toHaveLength(7);
    expect(recommend({ ...input, candidates: [...input.candidates] })).toEqual(first);
    for (const [i, r] of first.entries()) {
      expect(r.score).toBeGreaterThan(0);
      expect(r.score).toBeLessThan(1);
      if (i) expect(r.score).toBeLessThanOrEqual(first[i - 1]!.score);
    }
  });
});
