// The planner's recommender port filled in: ratings from the cards'
// "more / less like this" links, and the per-reader tf-idf classifier.
import type { Recommender } from './plan-chunk.js';
import { loadRatings } from './rating-repo.js';
import { recommend } from './recommender.js';

export const learnedRecommender: Recommender = { loadRatings, recommend };
