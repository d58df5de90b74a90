// Interests on the public forms: "Advanced" on the sign-up form and the
// preference page, both plain HTML forms that work without JavaScript.
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../../src/http/app.js';
import { subscriberLinks } from '../../../src/subscriptions/links.js';
import { createTestEnv, type TestEnv } from '../../helpers/context.js';
import { createLists, openForm, postForm, VALID_SIGNUP } from './page-helpers.js';

describe('interests on the sign-up and preference forms', () => {
  let env: TestEnv;
  let app: ReturnType<typeof createApp>;

  beforeAll(async () => {
    env = await createTestEnv();
    app = createApp(env.ctx);
    await createLists(env.ctx.db);
  });
  afterAll(() => env.cleanup());

  it('the sign-up form has an Advanced disclosure with phrases, authors and a category picker grouped by archive', async () => {
    const page = await request(app).get('/');
    expect(page.text).toMatch(/<details class="advanced">\s*<summary>Advanced/);
    expect(page.text).toContain('<textarea id="include" name="include"');
    expect(page.text).toMatch(
      /<summary>Computer Science<\/summary>\s*<fieldset><legend class="visually-hidden">Computer Science<\/legend>/,
    );
    expect(page.text).toContain('value="cs.CL"> Computation and Language');
    expect(page.text).toContain('value="q-bio.NC"> Neurons and Cognition');
  });

  it('a sign-up stores its interests and papers per email', async () => {
    const session = await openForm(app);
    const res = await postForm(app, '/subscribe', session, {
      ...VALID_SIGNUP,
      email: 'advanced@example.org',
      include: 'diffusion model\r\n\r\n graph neural networks ',
      authors: 'Yann LeCun',
      categories: ['cs.LG', 'cs.CV'],
      papersPerEmail: '5',
    });
    expect(res.status).toBe(200);
    const row = await env.ctx.db.subscriber.findUniqueOrThrow({ where: { email: 'advanced@example.org' } });
    expect(row).toMatchObject({
      papersPerEmail: 5,
      interestInclude: ['diffusion model', 'graph neural networks'],
      interestAuthors: ['Yann LeCun'],
      interestCategories: ['cs.LG', 'cs.CV'],
      interestExclude: [],
    });
  });

  it('the sign-up refuses an unknown category with a 400 naming it, storing nothing, the disclosure open', async () => {
    const session = await openForm(app);
    const res = await postForm(app, '/subscribe', session, {
      ...VALID_SIGNUP,
      email: 'wrong@example.org',
      categories: ['cs.NOPE'],
    });
    expect(res.status).toBe(400);
    expect(res.text).toContain('Unknown arXiv category “cs.NOPE”');
    expect(res.text).toContain('<details class="advanced" open>');
    expect(await env.ctx.db.subscriber.count({ where: { email: 'wrong@example.org' } })).toBe(0);
  });

  it('the preference page shows and saves interests; an over-long phrase is a 400 that keeps what was typed', async () => {
    const reader = await env.ctx.db.subscriber.create({
      data: {
        email: 'prefs@example.org',
        status: 'active',
        interestInclude: ['robot learning'],
        interestCategories: ['cs.RO'],
      },
    });
    const link = new URL(subscriberLinks(env.config, reader.id).preferences).pathname;
    const session = await openForm(app, link);
    const page = await request(app).get(link).set('Cookie', session.cookie);
    expect(page.text).toMatch(/<textarea id="include" name="include"[^>]*>robot learning<\/textarea>/);
    expect(page.text).toContain('value="cs.RO" checked');
    const fields = { lists: ['trending'], frequency: 'daily', weekday: '1', sendHour: '7', timezone: 'UTC' };
    const saved = await postForm(app, link, session, {
      ...fields,
      include: 'world models',
      exclude: 'blockchain',
      authors: 'Émile Zola',
      categories: 'cs.AI',
      papersPerEmail: '25',
    });
    expect(saved.status).toBe(200);
    expect(await env.ctx.db.subscriber.findUniqueOrThrow({ where: { id: reader.id } })).toMatchObject({
      papersPerEmail: 25,
      interestInclude: ['world models'],
      interestExclude: ['blockchain'],
      interestAuthors: ['Émile Zola'],
      interestCategories: ['cs.AI'],
    });
    const tooLong = await postForm(app, link, session, { ...fields, include: `ok\n${'x'.repeat(101)}` });
    expect(tooLong.status).toBe(400);
    expect(tooLong.text).toContain('Topics you want: Must be at most 100 characters');
    expect(tooLong.text).toContain(`ok\n${'x'.repeat(101)}</textarea>`);
    expect((await env.ctx.db.subscriber.findUniqueOrThrow({ where: { id: reader.id } })).interestInclude).toEqual([
      'world models',
    ]);
  });
});
