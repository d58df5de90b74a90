// Reader interests and papers per email through the admin API; lists with
// exclude and authors, and a rule preview that says why each paper matched.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdminEnv, seedLists, type AdminEnv } from './admin-env.js';

let env: AdminEnv;
beforeAll(async () => {
  env = await createAdminEnv();
  await seedLists(env);
});
afterAll(() => env.cleanup());

const interests = {
  include: ['diffusion model', 'graph neural network'],
  exclude: ['blockchain'],
  categories: ['CS.lg', 'q-bio.NC'],
  authors: ['José García'],
};

describe('subscriber interests', () => {
  it('stores interests and papersPerEmail on create, shows them on read, replaces them on update', async () => {
    const created = await env.api
      .post('/subscribers')
      .send({ email: 'curious@example.org', lists: ['trending'], status: 'active', interests, papersPerEmail: 15 });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      papersPerEmail: 15,
      interests: { ...interests, categories: ['cs.LG', 'q-bio.NC'] },
    });
    const read = await env.api.get(`/subscribers/${created.body.id}`);
    expect(read.body).toMatchObject({
      papersPerEmail: 15,
      interests: { include: interests.include, authors: ['José García'] },
    });
    const patched = await env.api
      .patch(`/subscribers/${created.body.id}`)
      .send({ interests: { include: ['robot'] }, papersPerEmail: 5 });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({
      papersPerEmail: 5,
      interests: { include: ['robot'], exclude: [], categories: [], authors: [] },
    });
    const plain = await env.api.post('/subscribers').send({ email: 'plain@example.org', lists: ['trending'] });
    expect(plain.body).toMatchObject({
      papersPerEmail: 10,
      interests: { include: [], exclude: [], categories: [], authors: [] },
    });
  });

  it('answers 400 naming the field for an unknown category, an empty or over-long phrase, too many entries, a bad size', async () => {
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ interests: { categories: ['cs.XX'] } }, /interests\.categories\.0: Unknown arXiv category “cs\.XX”/],
      [{ interests: { include: ['  '] } }, /interests\.include\.0: Must not be empty/],
      [{ interests: { exclude: ['x'.repeat(101)] } }, /interests\.exclude\.0: Must be at most 100 characters/],
      [
        { interests: { authors: Array.from({ length: 51 }, (_, i) => `Author ${i}`) } },
        /interests\.authors: At most 50 names/,
      ],
      [{ interests: { include: ['line\nbreak'] } }, /interests\.include\.0/],
      [{ interests: { topics: ['x'] } }, /interests/],
      [{ papersPerEmail: 7 }, /papersPerEmail: Choose 5, 10, 15, 25 papers per email/],
    ];
    for (const [extra, message] of cases) {
      const res = await env.api.post('/subscribers').send({ email: 'bad@example.org', lists: ['trending'], ...extra });
      expect(res.status, JSON.stringify(extra).slice(0, 80)).toBe(400);
      expect(res.body.error.message).toMatch(message);
    }
    expect(await env.ctx.db.subscriber.count({ where: { email: 'bad@example.org' } })).toBe(0);
  });
});

describe('lists with exclude and authors', () => {
  it('stores them, and the rule preview says what matched where', async () => {
    const created = await env.api.post('/lists').send({
      slug: 'diffusion',
      name: 'Diffusion',
      keywords: ['diffusion model'],
      exclude: ['audio'],
      authors: ['Yann LeCun'],
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ exclude: ['audio'], authors: ['Yann LeCun'] });
    const db = env.ctx.db;
    const base = { source: 'admin', upvotes: 3 };
    await db.paper.createMany({
      data: [
        { ...base, key: 'p1', title: 'Latent Diffusion Models', abstract: 'We train diffusion models.' },
        { ...base, key: 'p2', title: 'Diffusion models for audio', abstract: '' },
        { ...base, key: 'p3', title: 'Energy-based learning', authors: ['YANN LECUN'] },
        { ...base, key: 'p4', title: 'Diffusion of innovations', abstract: 'A model of spread.' },
      ],
    });
    const res = await env.api.get('/lists/diffusion/matches?days=7');
    expect(res.status).toBe(200);
    const byTitle = new Map(res.body.items.map((i: { title: string }) => [i.title, i]));
    expect([...byTitle.keys()].sort()).toEqual(['Energy-based learning', 'Latent Diffusion Models']);
    expect(byTitle.get('Latent Diffusion Models')).toMatchObject({
      why: [{ kind: 'phrase', term: 'diffusion model', fields: ['title', 'abstract'] }],
      reason: '“diffusion model” in title, abstract',
    });
    expect(byTitle.get('Energy-based learning')).toMatchObject({
      why: [{ kind: 'author', term: 'Yann LeCun' }],
      matched: ['by Yann LeCun'],
    });
  });
});
