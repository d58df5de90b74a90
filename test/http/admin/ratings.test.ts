// Ratings in the admin API: the subscriber's counts, the data export,
// erasure and likes and dislikes per list in the stats.
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { feedbackUrl } from '../../../src/subscriptions/links.js';
import { addSubscriber, createAdminEnv, seedLists, type AdminEnv } from './admin-env.js';

let env: AdminEnv;
let papers: { llm: number; vision: number; other: number };

beforeAll(async () => {
  env = await createAdminEnv();
  await seedLists(env);
  const add = (arxivId: string, title: string) =>
    env.ctx.db.paper.create({
      data: { key: arxivId, arxivId, title, abstract: `${title}. A study.`, source: 'admin' },
    });
  papers = {
    llm: (await add('2501.00011', 'Scaling a language model')).id,
    vision: (await add('2501.00012', 'Image segmentation at scale')).id,
    other: (await add('2501.00013', 'Protein folding dynamics')).id,
  };
});
afterAll(() => env.cleanup());

async function vote(subscriberId: number, paperId: number, v: 'up' | 'down') {
  const res = await request(env.app).post(
    new URL(feedbackUrl(env.config, { subscriberId, paperId, vote: v })).pathname,
  );
  expect(res.status).toBe(200);
}

describe('ratings in the admin API', () => {
  it("shows a subscriber's likes and dislikes, exports them, and erasure removes them", async () => {
    const reader = await addSubscriber(env, 'rater@example.org', { lists: ['trending', 'llm'] });
    const bystander = await addSubscriber(env, 'bystander@example.org', { lists: ['vision'] });
    expect((await env.api.get(`/subscribers/${reader.id}`)).body.ratings).toEqual({ up: 0, down: 0 });

    await vote(reader.id, papers.llm, 'down');
    await vote(reader.id, papers.llm, 'up'); // the latest vote wins
    await vote(reader.id, papers.vision, 'up');
    await vote(reader.id, papers.other, 'down');
    await vote(bystander.id, papers.vision, 'up');

    const detail = await env.api.get(`/subscribers/${reader.id}`);
    expect(detail.status).toBe(200);
    expect(detail.body.ratings).toEqual({ up: 2, down: 1 });

    const data = await env.api.get(`/subscribers/${reader.id}/data`);
    expect(data.body.ratings).toEqual([
      expect.objectContaining({
        vote: 'up',
        paper: { id: papers.llm, arxivId: '2501.00011', title: 'Scaling a language model' },
      }),
      expect.objectContaining({ vote: 'up', paper: expect.objectContaining({ id: papers.vision }) }),
      expect.objectContaining({ vote: 'down', paper: expect.objectContaining({ id: papers.other }) }),
    ]);
    expect(data.body.ratings[0].createdAt).toEqual(expect.any(String));

    expect((await env.api.post(`/subscribers/${reader.id}/erase`)).status).toBe(200);
    expect(await env.ctx.db.rating.count({ where: { subscriberId: reader.id } })).toBe(0);
    expect(await env.ctx.db.rating.count()).toBe(1);
    expect((await env.api.get(`/subscribers/${bystander.id}`)).body.ratings).toEqual({ up: 1, down: 0 });
  });

  it('counts likes and dislikes per list, for the lists whose rule took the paper', async () => {
    await env.ctx.db.rating.deleteMany();
    const both = await addSubscriber(env, 'both@example.org', { lists: ['llm', 'vision'] });
    const trending = await addSubscriber(env, 'trending@example.org', { lists: ['trending'] });
    await vote(both.id, papers.llm, 'up'); // llm
    await vote(both.id, papers.vision, 'down'); // vision
    await vote(both.id, papers.other, 'down'); // neither list takes it
    await vote(trending.id, papers.vision, 'up'); // trending takes every paper

    const stats = await env.api.get('/stats');
    expect(stats.status).toBe(200);
    expect(stats.body.ratings).toEqual({
      up: 2,
      down: 2,
      byList: [
        { slug: 'llm', name: 'Language models', up: 1, down: 0 },
        { slug: 'trending', name: 'Trending', up: 1, down: 0 },
        { slug: 'vision', name: 'Vision', up: 0, down: 1 },
      ],
    });
  });
});
