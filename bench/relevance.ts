// `npm run bench -- relevance`: precision@10 and nDCG@10 of each ranker over
// the labelled set in data/relevance/ (see its README for how it was built
// and labelled). Every profile first casts 5 simulated ratings; the rated
// papers leave the candidates of every ranker, so all rankers are scored on
// the same papers.
import { loadLabelledSet, simulatedRatings } from './relevance/dataset.js';
import { mean, ndcgAtK, precisionAtK } from './relevance/metrics.js';
import { RANKERS } from './relevance/rankers.js';

const K = 10;
/** What issue #11 asks of the set; the figures say how far this one falls short. */
const FLOOR = { papers: 300, profiles: 10 };

const log = (message: string) => process.stderr.write(`${message}\n`);
const round = (value: number) => Math.round(value * 1000) / 1000;

export async function run(): Promise<Record<string, unknown>> {
  const { papers, profiles } = await loadLabelledSet();
  log(
    `labelled set: ${papers.length} papers, ${profiles.length} profiles (floor ${FLOOR.papers} papers, ${FLOOR.profiles} profiles)`,
  );
  const cases = profiles.map((profile) => {
    const ratings = simulatedRatings(profile, papers);
    const rated = new Set([...ratings.liked, ...ratings.disliked].map((p) => p.id));
    const candidates = papers.filter((p) => !rated.has(p.id));
    const relevant = new Set(profile.relevant.filter((id) => !rated.has(id)));
    return { profile, ratings, candidates, relevant };
  });

  const rankers: Record<string, unknown> = {};
  for (const ranker of RANKERS) {
    const perProfile: Record<string, { precisionAt10: number; ndcgAt10: number }> = {};
    for (const { profile, ratings, candidates, relevant } of cases) {
      const ranked = await ranker.rank({ profile, candidates, ...ratings });
      perProfile[profile.id] = {
        precisionAt10: round(precisionAtK(ranked, relevant, K)),
        ndcgAt10: round(ndcgAtK(ranked, relevant, K)),
      };
    }
    const figures = {
      precisionAt10: round(mean(Object.values(perProfile).map((f) => f.precisionAt10))),
      ndcgAt10: round(mean(Object.values(perProfile).map((f) => f.ndcgAt10))),
    };
    log(`${ranker.name}: precision@10 ${figures.precisionAt10}, nDCG@10 ${figures.ndcgAt10}`);
    for (const [id, f] of Object.entries(perProfile))
      log(`  ${id.padEnd(22)} P@10 ${f.precisionAt10.toFixed(3)}  nDCG@10 ${f.ndcgAt10.toFixed(3)}`);
    rankers[ranker.name] = { ...figures, perProfile };
  }

  return {
    papers: papers.length,
    papersWithCategories: papers.filter((p) => p.categories.length > 0).length,
    profiles: profiles.length,
    relevantPerProfile: round(mean(cases.map((c) => c.relevant.size))),
    // The best precision@10 any ranker could reach: few profiles have 10 relevant papers left.
    idealPrecisionAt10: round(mean(cases.map((c) => Math.min(K, c.relevant.size) / K))),
    ratingsPerProfile: 5,
    k: K,
    belowFloor: papers.length < FLOOR.papers || profiles.length < FLOOR.profiles,
    rankers,
  };
}
