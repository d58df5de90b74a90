import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addSubscriber, createAdminEnv, seedLists, type AdminEnv } from './admin-env.js';

let env: AdminEnv;
beforeAll(async () => {
  env = await createAdminEnv();
  await seedLists(env);
});
afterAll(() => env.cleanup());

describe('lists', () => {
  it('creates a list with the SPEC shape and lists it', async () => {
    const body = {
      slug: 'robotics',
      name: 'Robotics',
      description: 'Robots',
      public: false,
      keywords: ['robot', 'embodied agent'],
      categories: ['cs.RO'],
      minUpvotes: 3,
      maxPapers: 5,
    };
    const created = await env.api.post('/lists').send(body);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ ...body, subscriberCount: 0 });
    expect(created.body.id).toEqual(expect.any(Number));
    const all = await env.api.get('/lists');
    expect(all.status).toBe(200);
    expect(all.body.items.map((l: { slug: string }) => l.slug)).toEqual(['trending', 'llm', 'vision', 'robotics']);
  });

  it('reads a list by id or slug, and 404s for an unknown one', async () => {
    const bySlug = await env.api.get('/lists/llm');
    expect(bySlug.status).toBe(200);
    const byId = await env.api.get(`/lists/${bySlug.body.id}`);
    expect(byId.body.slug).toBe('llm');
    const missing = await env.api.get('/lists/nope');
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('not_found');
  });

  it('409s on a taken slug', async () => {
    const res = await env.api.post('/lists').send({ slug: 'llm', name: 'Again' });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('conflict');
  });

  it('400s with field details on invalid input', async () => {
    const res = await env.api.post('/lists').send({ slug: 'Bad Slug!', name: '', maxPapers: 0, extra: 1 });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
    const paths = res.body.error.details.map((d: { path: string }) => d.path);
    expect(paths).toEqual(expect.arrayContaining(['slug', 'name', 'maxPapers']));
  });

  it('400s on malformed JSON and 413s on a body over 1 MB', async () => {
    const bad = await env.api.post('/lists').set('Content-Type', 'application/json').send('{"slug":');
    expect(bad.status).toBe(400);
    const big = await env.api.post('/lists').send({ slug: 'big', name: 'Big', description: 'x'.repeat(1_100_000) });
    expect(big.status).toBe(413);
    expect(big.body.error.code).toBe('payload_too_large');
  });

  it('updates the matching rule', async () => {
    const res = await env.api
      .patch('/lists/vision')
      .send({ keywords: ['diffusion'], minUpvotes: 10, name: 'Vision & diffusion' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      slug: 'vision',
      keywords: ['diffusion'],
      categories: ['cs.CV'],
      minUpvotes: 10,
      name: 'Vision & diffusion',
    });
    expect((await env.api.patch('/lists/vision').send({ slug: 'llm' })).status).toBe(409);
    expect((await env.api.patch('/lists/nope').send({ name: 'x' })).status).toBe(404);
  });

  it('counts subscribers by status; subscriberCount is the active ones', async () => {
    await env.api.post('/lists').send({ slug: 'counted', name: 'Counted' });
    await addSubscriber(env, 'active@example.org', { lists: ['counted'], status: 'active' });
    await addSubscriber(env, 'gone@example.org', { lists: ['counted'], status: 'unsubscribed' });
    await addSubscriber(env, 'pending@example.org', { lists: ['counted'], status: 'pending' });
    const res = await env.api.get('/lists/counted');
    expect(res.body.subscriberCount).toBe(1);
    expect(res.body.subscribersByStatus).toEqual({ active: 1, pending: 1, unsubscribed: 1, bounced: 0, complained: 0 });
    const listed = (await env.api.get('/lists')).body.items.find((l: { slug: string }) => l.slug === 'counted');
    expect(listed.subscribersByStatus.active).toBe(1);
    await env.api.delete('/lists/counted?force=true');
  });

  it('refuses to delete a list with subscribers unless forced', async () => {
    await env.api.post('/lists').send({ slug: 'doomed', name: 'Doomed' });
    const subscriber = await addSubscriber(env, 'reader@example.org', { lists: ['doomed', 'trending'] });
    const refused = await env.api.delete('/lists/doomed');
    expect(refused.status).toBe(409);
    expect(refused.body.error.details).toEqual({ subscribers: 1 });
    const forced = await env.api.delete('/lists/doomed?force=true');
    expect(forced.status).toBe(204);
    expect((await env.api.get('/lists/doomed')).status).toBe(404);
    const subs = await env.ctx.db.subscription.findMany({
      where: { subscriberId: subscriber.id },
      include: { list: true },
    });
    expect(subs.map((s) => s.list.slug)).toEqual(['trending']);
  });

  it('deletes a list without subscribers', async () => {
    await env.api.post('/lists').send({ slug: 'empty', name: 'Empty' });
    expect((await env.api.delete('/lists/empty')).status).toBe(204);
  });
});

describe('what a rule would match', () => {
  beforeAll(async () => {
    const now = Date.now();
    const paper = (n: number, title: string, upvotes: number, hoursAgo: number, extra: object = {}) => ({
      key: `2511.0000${n}`,
      arxivId: `2511.0000${n}`,
      title,
      abstract: '',
      upvotes,
      source: 'file',
      firstSeenAt: new Date(now - hoursAgo * 3600_000),
      ...extra,
    });
    await env.ctx.db.paper.createMany({
      data: [
        paper(1, 'Large Language Models as planners', 50, 2),
        paper(2, 'A language model for proteins', 5, 3),
        paper(3, 'Video diffusion at scale', 80, 4, { categories: ['cs.CV'] }),
        paper(4, 'Old language model paper', 99, 24 * 30),
        paper(5, 'Hidden language model paper', 99, 1, { hidden: true }),
      ],
    });
  });

  it('GET /lists/:list/matches runs the digest matcher over recent papers', async () => {
    const res = await env.api.get('/lists/llm/matches?days=7');
    expect(res.status).toBe(200);
    expect(res.body.total).toBe(2);
    expect(res.body.items.map((i: { title: string }) => i.title)).toEqual([
      'Large Language Models as planners',
      'A language model for proteins',
    ]);
    expect(res.body.items[0].matched).toEqual(expect.arrayContaining(['language model']));
    expect(res.body.items[0].inSection).toBe(true);
  });

  it('POST /lists/matches tries a draft rule without saving it', async () => {
    const res = await env.api.post('/lists/matches?days=7').send({ keywords: ['language models'], minUpvotes: 10 });
    expect(res.status).toBe(200);
    expect(res.body.items.map((i: { arxivId: string }) => i.arxivId)).toEqual(['2511.00001']);
    const all = await env.api.post('/lists/matches?days=60').send({});
    expect(all.body.total).toBe(4);
  });
});
