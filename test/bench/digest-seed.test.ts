// The digest benchmark's personal mode seeds what it claims: valid interests
// that match the seeded papers, varied papers per email, ratings for about
// one reader in ten, and a plan in which nearly every email differs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LISTS, seed } from '../../bench/digest/seed.js';
import { loadWindowPapers, parseLayout } from '../../src/digest/content.js';
import { learnedRecommender } from '../../src/digest/learned-recommender.js';
import { createMatcher, type Rule } from '../../src/digest/matcher.js';
import { planPeriod } from '../../src/digest/planner.js';
import { PERSONAL_KEY, RECOMMENDED_KEY } from '../../src/digest/reader-digest.js';
import { interestsOf, interestsSchema } from '../../src/subscriptions/interests.js';
import { createTestEnv, type TestEnv } from '../helpers/context.js';

const READERS = 400;

describe('the digest benchmark seed', () => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await createTestEnv();
    await seed(env.ctx.db, { subscribers: READERS, lists: LISTS.length, papers: 200, personal: true });
  });
  afterAll(async () => {
    await env?.cleanup();
  });

  it('gives every reader valid, nearly unique interests that match seeded papers', async () => {
    const db = env.ctx.db;
    const readers = await db.subscriber.findMany({ include: { subscriptions: true } });
    expect(readers).toHaveLength(READERS);
    const matcher = createMatcher({ papers: await loadWindowPapers(db, new Date(0), new Date()), now: new Date() });
    const taken = (rule: Partial<Rule>) =>
      matcher.ranked({ include: [], categories: [], authors: [], exclude: [], minUpvotes: 0, ...rule }, 'daily').length;
    for (const reader of readers) {
      const interests = interestsOf(reader);
      // What the API would accept: real categories, phrases within bounds.
      expect(interestsSchema.parse(interests)).toEqual(interests);
      expect(interests.include.length).toBeGreaterThanOrEqual(1);
      expect(reader.subscriptions.length).toBeGreaterThanOrEqual(1);
      for (const phrase of interests.include) expect(taken({ include: [phrase] }), phrase).toBeGreaterThan(0);
      for (const category of interests.categories)
        expect(taken({ categories: [category] }), category).toBeGreaterThan(0);
      // Half are typed in lower case: they match all the same.
      for (const author of interests.authors) expect(taken({ authors: [author] }), author).toBeGreaterThan(0);
    }
    expect(new Set(readers.map((r) => JSON.stringify(interestsOf(r)))).size).toBeGreaterThan(READERS * 0.95);
    expect(readers.filter((r) => r.interestCategories.length).length).toBeGreaterThan(READERS / 2);
    expect(readers.filter((r) => r.interestAuthors.length).length).toBeGreaterThan(READERS / 2);
    expect(readers.filter((r) => r.interestExclude.length).length).toBeGreaterThan(READERS / 5);
    expect(new Set(readers.map((r) => r.papersPerEmail))).toEqual(new Set([5, 10, 15, 25]));
  });

  it('gives about one reader in ten 4 likes and 1 dislike', async () => {
    const rated = await env.ctx.db.rating.groupBy({ by: ['subscriberId', 'vote'], _count: { _all: true } });
    const likers = rated.filter((r) => r.vote === 'up');
    expect(likers.length).toBeGreaterThan(READERS * 0.05);
    expect(likers.length).toBeLessThan(READERS * 0.15);
    for (const r of likers) expect(r._count._all).toBe(4);
  });

  it('plans nearly every email differently, with "For you" everywhere and recommendations for the raters', async () => {
    const plan = await planPeriod({ ...env.ctx, recommender: learnedRecommender }, '2026-11-12', {
      due: { kind: 'all' },
    });
    expect(plan.planned).toBe(READERS);
    expect(plan.groups).toBeGreaterThan(READERS * 0.9);
    const deliveries = await env.ctx.db.delivery.findMany({ where: { status: 'pending' }, select: { layout: true } });
    const keys = deliveries.map((d) => parseLayout(d.layout)?.sections.map((s) => s.key) ?? []);
    expect(keys.filter((k) => k.includes(PERSONAL_KEY)).length).toBeGreaterThan(READERS * 0.9);
    expect(keys.filter((k) => k.includes(RECOMMENDED_KEY)).length).toBeGreaterThan(READERS * 0.05);
  });
});
