// The rankers the benchmark compares. A ranker gets one reader's interests,
// the period's candidate papers and the reader's ratings, and answers paper
// ids, best first, leaving out papers it would not send at all.
import type { BenchPaper, Profile } from './dataset.js';
import { rankBySubstringRule } from './substring-baseline.js';
import { createMatcher } from '../../src/digest/matcher.js';
import { rankForReader } from '../../src/digest/reader-digest.js';
import { createRecommenderCorpus } from '../../src/digest/recommender.js';

export interface RankRequest {
  profile: Profile;
  candidates: BenchPaper[];
  liked: BenchPaper[];
  disliked: BenchPaper[];
}

export interface Ranker {
  name: string;
  description: string;
  rank(request: RankRequest): Promise<string[]>;
}

export const substringRanker: Ranker = {
  name: 'substring',
  description:
    "today's rule: include phrases as list keywords (substring test after plural folding) OR categories; ranked by upvotes, relevance only breaks ties; exclusions and authors ignored",
  rank: ({ profile, candidates }) => Promise.resolve(rankBySubstringRule(profile.interests, candidates)),
};

/** The digest's own matcher and ranking (src/digest/reader-digest.ts rankForReader) over the reader's interests. */
export const matcherRanker: Ranker = {
  name: 'matcher',
  description:
    'the new stemmed, phrase-aware matcher over reader interests (include, exclude, categories, authors), ranked by relevance × log2(2 + upvotes)',
  rank: ({ profile, candidates }) => {
    // One instant for every paper: the data set has no first-seen times, so popularity is plain upvotes.
    const now = new Date();
    const papers = candidates.map((p, i) => ({ ...p, id: i + 1, keywords: [], firstSeenAt: now, hidden: false }));
    const ranked = rankForReader(createMatcher({ papers, now }), [], { listIds: [], interests: profile.interests });
    return Promise.resolve(ranked.map((r) => candidates[r.paperId - 1]!.id));
  },
};

/**
 * The learned "Recommended for you" (src/digest/recommender.ts) trained on the
 * profile's simulated ratings alone: the reader's interests play no part.
 */
export const learnedRanker: Ranker = {
  name: 'learned',
  description: 'tf-idf and a linear classifier trained on 5 simulated ratings (3 likes, 2 dislikes)',
  rank: ({ candidates, liked, disliked }) => {
    // Numeric ids: every paper gets its index in one shared numbering. The
    // tf-idf space spans every paper in play, as a planning run's spans its window.
    const all = [...candidates, ...liked, ...disliked];
    const toPaper = (p: BenchPaper) => ({ id: all.indexOf(p) + 1, title: p.title, abstract: p.abstract, keywords: [] });
    const picks = createRecommenderCorpus(all.map(toPaper)).recommend({
      candidates: candidates.map(toPaper),
      liked: liked.map(toPaper),
      disliked: disliked.map(toPaper),
      limit: 10,
    });
    return Promise.resolve(picks.map((r) => all[r.paperId - 1]!.id));
  },
};

export const RANKERS: Ranker[] = [substringRanker, matcherRanker, learnedRanker];
