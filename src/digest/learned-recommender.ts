// The planner's recommender port filled in: ratings from the cards'
// "more / less like this" links, and the per-reader tf-idf classifier. A
// planning run tokenizes each paper once for all of its readers.
import type { Recommender } from './plan-chunk.js';
import { loadRatings } from './rating-repo.js';
import { recommend } from './recommender.js';
import { createPaperTerms } from './tfidf.js';

export const learnedRecommender: Recommender = {
  forRun() {
    const terms = createPaperTerms();
    return { loadRatings, recommend: (input) => recommend(input, terms) };
  },
};
