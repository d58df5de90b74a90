// Plans one chunk of readers in memory: profile → planReader → layout.
// Readers with the same lists, interests, frequency, size and history get
// the same email, so it is computed once for them.
import type { Db } from '../db.js';
import { loadPapersById } from './content.js';
import type { Matcher, MatchList, MatchPaper } from './matcher.js';
import type { DueReader, PlannedDelivery } from './plan-repo.js';
import { planReader, sectionPaperIds, type ReaderProfile, type Recommendation } from './reader-digest.js';

/** What the recommender looks at: a paper's words. */
export interface RecommendPaper {
  id: number;
  title: string;
  abstract: string;
  keywords: string[];
}

/**
 * The port for a learned "Recommended for you" section, opened once per
 * planning run over the run's papers: what its readers share (the papers'
 * words and their tf-idf space) lives in the RunRecommender and goes with it. Readers with fewer
 * than MIN_LIKES likes get no such section; disliked papers leave every
 * section.
 */
export interface Recommender {
  forRun(papers: readonly RecommendPaper[]): RunRecommender;
}

/**
 * `loadRatings` reads the ratings of a whole chunk of readers in one query;
 * `recommend` is pure per call (a model per reader over their candidates).
 */
export interface RunRecommender {
  loadRatings(db: Db, subscriberIds: number[]): Promise<Map<number, { liked: number[]; disliked: number[] }>>;
  recommend(input: {
    candidates: RecommendPaper[];
    liked: RecommendPaper[];
    disliked: RecommendPaper[];
    limit: number;
  }): Recommendation[];
}

export const MIN_LIKES = 3;

export interface ChunkContext {
  matcher: Matcher;
  lists: Map<number, MatchList>;
  db: Db;
  recommender?: RunRecommender;
  /** Papers pinned at the planning instant, read once per run. */
  pinned: ReadonlySet<number>;
}

const MEMO_LIMIT = 10_000;

function toRecommendPaper(p: MatchPaper): RecommendPaper {
  return { id: p.id, title: p.title, abstract: p.abstract, keywords: p.keywords };
}

export async function planChunk(
  context: ChunkContext,
  readers: DueReader[],
): Promise<Array<Omit<PlannedDelivery, 'batch'>>> {
  const ratings = context.recommender
    ? await context.recommender.loadRatings(
        context.db,
        readers.map((r) => r.id),
      )
    : new Map<number, { liked: number[]; disliked: number[] }>();
  const rated = [...new Set([...ratings.values()].flatMap((r) => [...r.liked, ...r.disliked]))];
  const ratedPapers = new Map((await loadPapersById(context.db, rated)).map((p) => [p.id, p]));
  const memo = new Map<string, Omit<PlannedDelivery, 'batch' | 'subscriberId'>>();
  return readers.map((reader) => {
    const own = ratings.get(reader.id);
    const profile: ReaderProfile = {
      listIds: reader.lists,
      interests: {
        include: reader.interestInclude,
        exclude: reader.interestExclude,
        categories: reader.interestCategories,
        authors: reader.interestAuthors,
      },
      frequency: reader.frequency,
      papersPerEmail: reader.papersPerEmail,
      sent: new Set(reader.sent),
      disliked: new Set(own?.disliked ?? []),
      pinned: context.pinned,
    };
    let key: string | null = null;
    if (own && own.liked.length >= MIN_LIKES && context.recommender) {
      const candidates = context.matcher.papers
        .filter((p) => !profile.sent!.has(p.id) && !profile.disliked!.has(p.id))
        .map(toRecommendPaper);
      const pick = (ids: number[]) =>
        ids.flatMap((id) => (ratedPapers.has(id) ? [toRecommendPaper(ratedPapers.get(id)!)] : []));
      profile.recommended = context.recommender.recommend({
        candidates,
        liked: pick(own.liked),
        disliked: pick(own.disliked),
        limit: reader.papersPerEmail,
      });
    } else if (!own?.disliked.length) {
      key = JSON.stringify([reader.lists, reader.frequency, reader.papersPerEmail, profile.interests, reader.sent]);
      const known = memo.get(key);
      if (known) return { subscriberId: reader.id, ...known };
    }
    const { sections, layout } = planReader(
      context.matcher,
      context.lists,
      profile,
      (id) => ratedPapers.get(id)?.title,
    );
    const ids = sectionPaperIds(sections);
    const planned = { papers: `{${ids.join(',')}}`, layout: ids.length ? JSON.stringify(layout) : null };
    if (key !== null) {
      if (memo.size >= MEMO_LIMIT) memo.clear();
      memo.set(key, planned);
    }
    return { subscriberId: reader.id, ...planned };
  });
}
