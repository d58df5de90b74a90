// GET /'s one-statement data must say what the Prisma queries it replaced
// say: public lists by id, visible papers of the newest day by upvotes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../src/db.js';
import { findLandingData } from '../../../src/http/pages/landing-data.js';
import { findTrendingPapers } from '../../../src/http/pages/trending-papers.js';
import { findPublicLists } from '../../../src/subscriptions/subscriber-repo.js';
import { createTestEnv, type TestEnv } from '../../helpers/context.js';

const HOUR = 3600 * 1000;

describe('findLandingData', () => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await createTestEnv();
  });
  afterAll(() => env.cleanup());

  const expected = async () => ({
    lists: (await findPublicLists(env.ctx.db)).map(({ slug, name, description }) => ({ slug, name, description })),
    papers: await findTrendingPapers(env.ctx.db),
  });

  it('is empty before any list or paper exists', async () => {
    expect(await findLandingData(env.ctx.db)).toEqual({ lists: [], papers: [] });
  });

  it('matches the Prisma queries: public lists only, newest day of visible papers, by upvotes, at most six', async () => {
    await env.ctx.db.list.createMany({
      data: [
        { slug: 'vision', name: 'Vision', description: 'Pixels <and> "more"' },
        { slug: 'internal', name: 'Internal', public: false },
        { slug: 'llm', name: 'LLMs' },
      ],
    });
    const newest = new Date('2026-05-10T12:00:00.000Z');
    const paper = (i: number, over: Record<string, unknown> = {}) => ({
      key: `k${i}`,
      title: `Paper ${i}`,
      abstract: `Abstract ${i}`,
      upvotes: 10 + (i % 5),
      authorCount: i,
      organization: i % 2 ? 'Lab' : null,
      url: i % 3 ? `https://example.org/${i}` : null,
      arxivId: `2605.${10000 + i}`,
      source: 'file',
      firstSeenAt: new Date(newest.getTime() - i * HOUR),
      ...over,
    });
    await env.ctx.db.paper.createMany({
      data: [
        ...Array.from({ length: 10 }, (_, i) => paper(i)),
        paper(30, { upvotes: 999 }), // older than a day before the newest
        paper(40, { upvotes: 998, hidden: true, firstSeenAt: new Date(newest.getTime() + HOUR) }), // hidden, newest of all
      ],
    });
    const got = await findLandingData(env.ctx.db);
    expect(got).toEqual(await expected());
    expect(got.lists.map((l) => l.slug)).toEqual(['vision', 'llm']);
    expect(got.papers).toHaveLength(6);
    expect(got.papers.map((p) => p.title)).not.toContain('Paper 30');
    expect(got.papers.map((p) => p.title)).not.toContain('Paper 40');
  });

  it('gives the same through Prisma when there is no pg pool (a transaction client)', async () => {
    const viaPrisma = await env.ctx.db.$transaction((tx) => findLandingData(tx as unknown as Db));
    expect(viaPrisma).toEqual(await expected());
  });
});
