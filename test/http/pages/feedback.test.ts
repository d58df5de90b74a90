// The "More like this" / "Less like this" links of digest cards, against
// real Postgres: GET records nothing, POST records, the latest vote wins.
import request from 'supertest';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../../src/http/app.js';
import { revokeLinks } from '../../../src/subscriptions/link-version.js';
import { feedbackUrl } from '../../../src/subscriptions/links.js';
import { createToken, verifyToken } from '../../../src/subscriptions/tokens.js';
import { createTestEnv, type TestEnv } from '../../helpers/context.js';
import { createLists } from './page-helpers.js';

describe('feedback links', () => {
  let env: TestEnv;
  let app: ReturnType<typeof createApp>;
  let paperId: number;
  let readerId: number;

  beforeAll(async () => {
    env = await createTestEnv();
    app = createApp(env.ctx);
    await createLists(env.ctx.db);
    const paper = await env.ctx.db.paper.create({
      data: {
        key: '2501.00001',
        arxivId: '2501.00001',
        title: 'Small <b>language models</b> & their "reasoning"',
        abstract: 'We study how a small language model reasons.',
        source: 'admin',
      },
    });
    paperId = paper.id;
  });
  afterAll(() => env.cleanup());
  beforeEach(async () => {
    await env.ctx.db.subscriber.deleteMany();
    const lists = await env.ctx.db.list.findMany({ where: { slug: { in: ['trending', 'llm', 'vision'] } } });
    const reader = await env.ctx.db.subscriber.create({
      data: {
        email: 'voter@example.org',
        status: 'active',
        // Vision is asked for but never confirmed: it does not count.
        subscriptions: {
          create: lists.map((l) => ({ listId: l.id, confirmedAt: l.slug === 'vision' ? null : new Date() })),
        },
      },
    });
    readerId = reader.id;
  });

  const link = (vote: 'up' | 'down', ids: { subscriberId?: number; paperId?: number } = {}) =>
    new URL(
      feedbackUrl(env.config, { subscriberId: ids.subscriberId ?? readerId, paperId: ids.paperId ?? paperId, vote }),
    ).pathname;
  const ratings = () => env.ctx.db.rating.findMany({ where: { subscriberId: readerId } });

  it('builds a link under PUBLIC_URL whose token names the reader, the paper and the vote', () => {
    const url = feedbackUrl(env.config, { subscriberId: 7, paperId: 9, vote: 'down' });
    expect(url.startsWith(`${env.config.publicUrl}/feedback/`)).toBe(true);
    const token = url.slice(url.lastIndexOf('/') + 1);
    expect(verifyToken(env.config.secretKey, 'feedback', token)).toMatchObject({ sub: 7, ref: 9, vote: 'down' });
    expect(() => verifyToken(env.config.secretKey, 'unsubscribe', token)).toThrow();
  });

  it('GET shows one button with the escaped title and records nothing', async () => {
    const up = link('up');
    const res = await request(app).get(up);
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.text).toContain('More papers like this one?');
    expect(res.text).toContain('Small &lt;b&gt;language models&lt;/b&gt; &amp; their &quot;reasoning&quot;');
    expect(res.text).not.toContain('<b>language');
    expect(res.text.match(/<form method="post" action="([^"]+)"/)?.[1]).toBe(up);
    expect(res.text.match(/<button/g)).toHaveLength(1);
    await request(app).get(link('down'));
    expect(await ratings()).toEqual([]);
  });

  it('POST without a body or a cookie records the vote, attributed to the lists whose rule took the paper', async () => {
    const res = await request(app).post(link('up'));
    expect(res.status).toBe(200);
    expect(res.text).toContain('Thanks, noted');
    expect(res.text).toContain('You will see more papers like');
    const lists = await env.ctx.db.list.findMany({
      where: { slug: { in: ['trending', 'llm'] } },
      orderBy: { id: 'asc' },
    });
    expect(await ratings()).toEqual([
      expect.objectContaining({ paperId, vote: 'up', listIds: lists.map((l) => l.id) }),
    ]);
  });

  it('accepts any body, and repeating is harmless', async () => {
    await request(app).post(link('up')).type('form').send('a=1');
    await request(app).post(link('up')).set('Content-Type', 'application/json').send('{"not": "read"');
    await request(app).post(link('up')).type('text/plain').send('List-Unsubscribe=One-Click');
    const res = await request(app).post(link('up')).type('multipart/form-data').send('--x--');
    expect(res.status).toBe(200);
    expect(await ratings()).toEqual([expect.objectContaining({ vote: 'up' })]);
  });

  it('the latest vote wins, and the thank-you page offers the other one', async () => {
    const first = await request(app).post(link('up'));
    const [before] = await ratings();
    const undo = first.text.match(/<form method="post" action="(\/feedback\/[^"]+)"/)?.[1];
    expect(undo).toBeDefined();
    const flipped = await request(app).post(undo!);
    expect(flipped.text).toContain('You will see fewer papers like');
    const [after] = await ratings();
    expect(after).toMatchObject({ id: before!.id, vote: 'down', createdAt: before!.createdAt });
    expect(after!.updatedAt.getTime()).toBeGreaterThanOrEqual(before!.updatedAt.getTime());
    await request(app).post(link('up'));
    expect(await ratings()).toEqual([expect.objectContaining({ vote: 'up' })]);
  });

  const secret = () => env.config.secretKey;
  it.each([
    ['tampered', () => link('up').replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'))],
    [
      'with the vote changed',
      () => {
        const [body, signature] = link('up').split('/').pop()!.split('.');
        const claims = JSON.parse(Buffer.from(body!, 'base64url').toString());
        return `/feedback/${Buffer.from(JSON.stringify({ ...claims, vote: 'down' })).toString('base64url')}.${signature}`;
      },
    ],
    [
      'made for another purpose',
      () => `/feedback/${createToken(secret(), 'unsubscribe', { sub: readerId, ref: paperId, vote: 'up' })}`,
    ],
    ['without a paper', () => `/feedback/${createToken(secret(), 'feedback', { sub: readerId, vote: 'up' })}`],
    ['without a vote', () => `/feedback/${createToken(secret(), 'feedback', { sub: readerId, ref: paperId })}`],
    [
      'with an unknown vote',
      () => `/feedback/${createToken(secret(), 'feedback', { sub: readerId, ref: paperId, vote: 'sideways' as 'up' })}`,
    ],
    ['garbage', () => '/feedback/not-a-token'],
  ])('a link %s gets a 400 page on GET and POST and records nothing', async (_name, makePath) => {
    const path = makePath();
    for (const res of [await request(app).get(path), await request(app).post(path)]) {
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/text\/html/);
      expect(res.text).toContain('This link does not work');
    }
    expect(await env.ctx.db.rating.count()).toBe(0);
  });

  it("a link signed out with the reader's other links is refused; a newer one works", async () => {
    const old = link('up');
    await new Promise((resolve) => setTimeout(resolve, 5));
    await revokeLinks(env.ctx.db, readerId);
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect((await request(app).post(old)).status).toBe(410);
    expect((await request(app).get(old)).status).toBe(410);
    expect(await ratings()).toEqual([]);
    expect((await request(app).post(link('up'))).status).toBe(200);
    await env.ctx.db.rating.deleteMany({});
  });
  it('a link for an erased reader or a deleted paper gets a 404 page', async () => {
    const gonePaper = link('up', { paperId: paperId + 1000 });
    const goneReader = link('up', { subscriberId: readerId + 1000 });
    for (const path of [gonePaper, goneReader]) {
      expect((await request(app).get(path)).status).toBe(404);
      const res = await request(app).post(path);
      expect(res.status).toBe(404);
      expect(res.text).toContain('no longer exists');
    }
    await env.ctx.db.subscriber.update({ where: { id: readerId }, data: { email: null } });
    expect((await request(app).post(link('up'))).status).toBe(404);
    expect(await env.ctx.db.rating.count()).toBe(0);
  });
});
