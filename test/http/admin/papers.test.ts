import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdminEnv, type AdminEnv } from './admin-env.js';

let env: AdminEnv;
beforeAll(async () => {
  env = await createAdminEnv();
});
afterAll(() => env.cleanup());

describe('papers', () => {
  it('adds papers through ingest: 201 when new, 200 when only updated, bad items reported', async () => {
    const created = await env.api.post('/papers').send([
      {
        arxivId: '2501.00663',
        title: 'Titans: Learning to Memorize at Test Time',
        abstract: 'Attention and memory.',
        upvotes: 12,
        categories: ['cs.LG'],
      },
      { arxivId: '2502.01234', title: 'Video diffusion transformers', upvotes: 3 },
      { title: '' },
    ]);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ source: 'admin', created: 2, updated: 0 });
    expect(created.body.skipped).toHaveLength(1);
    expect(created.body.skipped[0].index).toBe(2);

    const again = await env.api
      .post('/papers')
      .send({ arxivId: '2501.00663', title: 'Titans: Learning to Memorize at Test Time', upvotes: 40 });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ created: 0, updated: 1 });
    expect(await env.ctx.db.paper.count()).toBe(2);
  });

  it('400s on a body that is not papers', async () => {
    const res = await env.api.post('/papers').send('"just a string"').set('Content-Type', 'application/json');
    expect(res.status).toBe(400);
  });

  it('lists and searches, cursor-paged', async () => {
    const all = await env.api.get('/papers?limit=1');
    expect(all.status).toBe(200);
    expect(all.body.items).toHaveLength(1);
    expect(all.body.nextCursor).toEqual(expect.any(String));
    const next = await env.api.get(`/papers?limit=1&cursor=${all.body.nextCursor}`);
    expect(next.body.items[0].id).toBeGreaterThan(all.body.items[0].id);
    expect(next.body.nextCursor).toBeNull();

    const byWord = await env.api.get('/papers?q=memorize');
    expect(byWord.body.items.map((p: { arxivId: string }) => p.arxivId)).toEqual(['2501.00663']);
    expect(byWord.body.items[0].upvotes).toBe(40);
    expect(byWord.body.items[0].rank).toBeGreaterThan(0);
    const byAbstract = await env.api.get('/papers?q=attention');
    expect(byAbstract.body.items).toHaveLength(1);
    // Full-text: stemmed words, phrases, exclusions.
    expect((await env.api.get('/papers?q=transformer')).body.items.map((p: { arxivId: string }) => p.arxivId)).toEqual([
      '2502.01234',
    ]);
    expect((await env.api.get('/papers?q=video -diffusion')).body.items).toEqual([]);
    const byId = await env.api.get('/papers?q=2502.01234v2');
    expect(byId.body.items.map((p: { title: string }) => p.title)).toEqual(['Video diffusion transformers']);
    const since = await env.api.get('/papers?since=2999-01-01');
    expect(since.body.items).toEqual([]);
  });

  it('reads, hides and unhides a paper', async () => {
    const [paper] = (await env.api.get('/papers?q=video')).body.items;
    expect((await env.api.get(`/papers/${paper.id}`)).body.title).toBe('Video diffusion transformers');
    const hidden = await env.api.post(`/papers/${paper.id}/hide`);
    expect(hidden.status).toBe(200);
    expect(hidden.body.hidden).toBe(true);
    expect((await env.api.get('/papers?hidden=true')).body.items.map((p: { id: number }) => p.id)).toEqual([paper.id]);
    expect((await env.api.get('/papers?hidden=false')).body.items.map((p: { id: number }) => p.id)).not.toContain(
      paper.id,
    );
    const shown = await env.api.post(`/papers/${paper.id}/unhide`);
    expect(shown.body.hidden).toBe(false);
    expect((await env.api.post('/papers/999999/hide')).status).toBe(404);
    expect((await env.api.get('/papers/999999')).status).toBe(404);
  });
});
