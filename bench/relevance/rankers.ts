// The rankers the benchmark compares. A ranker gets one reader's interests,
// the period's candidate papers and the reader's ratings, and answers paper
// ids, best first, leaving out papers it would not send at all.
import type { BenchPaper, Profile } from './dataset.js';
import { rankBySubstringRule } from './substring-baseline.js';

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

/** A ranker whose code is not on this branch yet: reported as such, never guessed at. */
export interface PendingRanker {
  name: string;
  description: string;
  pending: string;
}

export const substringRanker: Ranker = {
  name: 'substring',
  description: "today's rule: include phrases as list keywords (substring test after plural folding) OR categories; ranked by upvotes, relevance only breaks ties; exclusions and authors ignored",
  rank: async ({ profile, candidates }) => rankBySubstringRule(profile.interests, candidates),
};

// To plug in the new matcher (issue #11 item 2): a Ranker that builds the
// reader's interests as the matcher takes them, matches `candidates`, and
// returns the ids in the matcher's order. Ratings are not its input.
export const matcherRanker: PendingRanker = {
  name: 'matcher',
  description: 'the new stemmed, phrase-aware matcher over reader interests (include, exclude, categories, authors)',
  pending: 'src/digest matcher with reader interests is not on this branch yet; plug it in at bench/relevance/rankers.ts',
};

// To plug in the learned ranking (issue #11 item 6): a Ranker calling
// recommend({ candidates, liked, disliked, limit: 10 }) from
// src/digest/recommender.ts with the simulated ratings, and returning the ids
// it recommends, best first.
export const learnedRanker: PendingRanker = {
  name: 'learned',
  description: 'tf-idf and a linear classifier trained on 5 simulated ratings (3 likes, 2 dislikes)',
  pending: 'src/digest/recommender.ts is not on this branch yet; plug it in at bench/relevance/rankers.ts',
};

export const RANKERS: Array<Ranker | PendingRanker> = [substringRanker, matcherRanker, learnedRanker];
