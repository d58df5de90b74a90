// The planner's recommender port filled in: ratings from the cards'
// "more / less like this" links, and the per-reader classifier. A planning
// run fits one tf-idf space over its papers for all of its readers, and only
// once a reader with enough likes asks for it.
import type { Recommender } from './plan-chunk.js';
import { loadRatings } from './rating-repo.js';
import { createRecommenderCorpus, type RecommenderCorpus } from './recommender.js';

export const learnedRecommender: Recommender = {
  forRun(papers) {
    let corpus: RecommenderCorpus | undefined;
    return {
      loadRatings,
      recommend: (input) => (corpus ??= createRecommenderCorpus(papers)).recommend(input),
    };
  },
};
