import request from 'supertest';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../../src/http/app.js';
import { CHECK_INBOX_MESSAGE } from '../../../src/http/pages/signup-routes.js';
import { createTestEnv, type TestEnv } from '../../helpers/context.js';
import { createLists, openForm, postForm, VALID_SIGNUP } from './page-helpers.js';

describe('landing page and POST /subscribe', () => {
  let env: TestEnv;
  let app: ReturnType<typeof createApp>;

  beforeAll(async () => {
    env = await createTestEnv({ SIGNUP_LIMIT_PER_IP: '100000', SIGNUP_LIMIT_PER_ADDRESS: '1000' });
    app = createApp(env.ctx);
    await createLists(env.ctx.db);
    await env.ctx.db.paper.createMany({
      data: [
        {
          key: '2511.00001',
          arxivId: '2511.00001',
          title: 'Scaling <b>laws</b> & friends',
          abstract: 'An abstract about scaling.',
          upvotes: 90,
          source: 'file',
        },
        {
          key: '2511.00002',
          arxivId: '2511.00002',
          title: 'A hidden paper',
          abstract: 'x',
          upvotes: 999,
          source: 'file',
          hidden: true,
        },
        {
          key: '2511.00003',
          arxivId: '2511.00003',
          title: 'Second best paper',
          abstract: 'Another abstract.',
          upvotes: 40,
          source: 'file',
        },
      ],
    });
  });
  afterAll(() => env.cleanup());

  beforeEach(async () => {
    await env.ctx.db.subscriber.deleteMany();
  });

  const subscriberCount = () => env.ctx.db.subscriber.count();

  it('GET / renders the form: headline, public lists with descriptions, schedule fields, cards, CSRF token', async () => {
    const res = await request(app).get('/');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.text).toContain('Get trending papers in your email inbox');
    expect(res.text).toContain('value="trending"');
    expect(res.text).toContain('LLMs, reasoning and alignment.');
    expect(res.text).not.toContain('value="staff"');
    expect(res.text).toMatch(/<label for="email">Email address<\/label>/);
    expect(res.text).toMatch(/<select id="timezone" name="timezone"[^>]*data-default="true"/);
    expect(res.text).toContain('<option value="UTC" selected>');
    expect(res.text).toMatch(/name="frequency" value="weekly"/);
    expect(res.text).toMatch(/<select id="sendHour"/);
    expect(res.text).toMatch(/name="_csrf" value="[A-Za-z0-9_-]{20,}"/);
    expect(res.headers['set-cookie']?.[0]).toMatch(
      /^pb_csrf=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; Secure; SameSite=Lax/,
    );
    // Cards: visible papers by upvotes, titles escaped, hidden ones left out.
    expect(res.text).toContain('Scaling &lt;b&gt;laws&lt;/b&gt; &amp; friends');
    expect(res.text.indexOf('Scaling')).toBeLessThan(res.text.indexOf('Second best paper'));
    expect(res.text).not.toContain('A hidden paper');
  });

  it('the page satisfies the CSP: no inline script, no inline style, assets from self', async () => {
    const res = await request(app).get('/');
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(res.text).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(res.text).not.toMatch(/\sstyle="/);
    expect(res.text).not.toMatch(/\son[a-z]+="/);
    const css = res.text.match(/href="(\/static\/app\.css\?v=[0-9a-f]+)"/)?.[1];
    const js = res.text.match(/src="(\/static\/signup-form\.js\?v=[0-9a-f]+)"/)?.[1];
    expect(css && js).toBeTruthy();
    const asset = await request(app).get(css!);
    expect(asset.status).toBe(200);
    expect(asset.headers['cache-control']).toMatch(/max-age=31536000.*immutable/);
    expect((await request(app).get(js!)).status).toBe(200);
  });

  it('stores a new sign-up as pending with consent evidence and a confirmation request', async () => {
    const session = await openForm(app);
    const res = await postForm(app, '/subscribe', session, { ...VALID_SIGNUP, email: '  Reader@Example.ORG ' }).set(
      'User-Agent',
      'test-agent/1.0',
    );
    expect(res.status).toBe(200);
    expect(res.text).toContain('Check your inbox');
    const subscriber = await env.ctx.db.subscriber.findUniqueOrThrow({
      where: { email: 'reader@example.org' },
      include: { subscriptions: { include: { list: true }, orderBy: { listId: 'asc' } }, consents: true },
    });
    expect(subscriber).toMatchObject({
      status: 'pending',
      timezone: 'Europe/Paris',
      sendHour: 8,
      frequency: 'daily',
      confirmedAt: null,
    });
    expect(subscriber.confirmRequestedAt).toBeInstanceOf(Date);
    expect(subscriber.subscriptions.map((s) => [s.list.slug, s.confirmedAt])).toEqual([
      ['trending', null],
      ['llm', null],
    ]);
    expect(subscriber.consents).toHaveLength(1);
    expect(subscriber.consents[0]).toMatchObject({
      action: 'signup',
      userAgent: 'test-agent/1.0',
      lists: ['trending', 'llm'],
      formVersion: 'landing-v1',
    });
    expect(subscriber.consents[0]?.ip).toBeTruthy();
  });

  it('answers identically for a new, pending, active and unsubscribed address (form and JSON)', async () => {
    const db = env.ctx.db;
    await db.subscriber.create({
      data: { email: 'pending@example.org', status: 'pending', confirmRequestedAt: new Date() },
    });
    await db.subscriber.create({ data: { email: 'active@example.org', status: 'active', confirmedAt: new Date() } });
    await db.subscriber.create({
      data: { email: 'gone@example.org', status: 'unsubscribed', unsubscribedAt: new Date() },
    });
    const session = await openForm(app);
    const addresses = ['new@example.org', 'pending@example.org', 'active@example.org', 'gone@example.org'];
    const forms = [];
    const jsons = [];
    for (const email of addresses) {
      forms.push(await postForm(app, '/subscribe', session, { ...VALID_SIGNUP, email }));
      jsons.push(
        await request(app)
          .post('/subscribe')
          .send({ ...VALID_SIGNUP, email, sendHour: 8, weekday: 1 }),
      );
    }
    for (const res of forms) {
      expect(res.status).toBe(forms[0]!.status);
      expect(res.text).toBe(forms[0]!.text);
      expect(res.headers['set-cookie']).toBeUndefined();
    }
    for (const res of jsons) {
      expect(res.status).toBe(202);
      expect(res.body).toEqual(jsons[0]!.body);
    }
    expect(forms[0]!.status).toBe(200);
    expect(jsons[0]!.body).toEqual({ status: 'ok', message: CHECK_INBOX_MESSAGE });
    expect(jsons[0]!.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(Number(jsons[0]!.headers['content-length'])).toBe(Buffer.byteLength(jsons[0]!.text));
  });

  it('an active subscriber who signs up again stays active; new lists wait for confirmation; settings unchanged', async () => {
    const db = env.ctx.db;
    const trending = await db.list.findUniqueOrThrow({ where: { slug: 'trending' } });
    const confirmedAt = new Date('2026-01-01T00:00:00Z');
    const active = await db.subscriber.create({
      data: {
        email: 'active@example.org',
        status: 'active',
        confirmedAt,
        timezone: 'Asia/Tokyo',
        sendHour: 6,
        subscriptions: { create: { listId: trending.id, confirmedAt } },
      },
    });
    const session = await openForm(app);
    const res = await postForm(app, '/subscribe', session, {
      ...VALID_SIGNUP,
      email: 'active@example.org',
      lists: ['vision'],
    });
    expect(res.status).toBe(200);
    const after = await db.subscriber.findUniqueOrThrow({
      where: { id: active.id },
      include: { subscriptions: { include: { list: true } } },
    });
    expect(after).toMatchObject({ status: 'active', timezone: 'Asia/Tokyo', sendHour: 6 });
    expect(after.confirmedAt?.toISOString()).toBe(confirmedAt.toISOString());
    const bySlug = Object.fromEntries(after.subscriptions.map((s) => [s.list.slug, s.confirmedAt]));
    expect(bySlug.trending?.toISOString()).toBe(confirmedAt.toISOString());
    expect(bySlug.vision).toBeNull();
    expect(after.confirmRequestedAt).toBeInstanceOf(Date);
  });

  it('a pending subscriber gets a fresh confirmation at most once per 10 minutes', async () => {
    const session = await openForm(app);
    const signUp = () => postForm(app, '/subscribe', session, { ...VALID_SIGNUP, email: 'again@example.org' });
    await signUp();
    const first = await env.ctx.db.subscriber.findUniqueOrThrow({ where: { email: 'again@example.org' } });
    await signUp();
    const second = await env.ctx.db.subscriber.findUniqueOrThrow({ where: { email: 'again@example.org' } });
    expect(second.confirmRequestedAt?.getTime()).toBe(first.confirmRequestedAt?.getTime());
    const elevenMinutesAgo = new Date(Date.now() - 11 * 60 * 1000);
    await env.ctx.db.subscriber.update({ where: { id: first.id }, data: { confirmRequestedAt: elevenMinutesAgo } });
    await signUp();
    const third = await env.ctx.db.subscriber.findUniqueOrThrow({ where: { email: 'again@example.org' } });
    expect(third.confirmRequestedAt!.getTime()).toBeGreaterThan(elevenMinutesAgo.getTime());
    expect(third.status).toBe('pending');
  });

  it('an unsubscribed address stays unsubscribed until it confirms again', async () => {
    await env.ctx.db.subscriber.create({
      data: { email: 'gone@example.org', status: 'unsubscribed', unsubscribedAt: new Date() },
    });
    const session = await openForm(app);
    await postForm(app, '/subscribe', session, { ...VALID_SIGNUP, email: 'gone@example.org' });
    const after = await env.ctx.db.subscriber.findUniqueOrThrow({ where: { email: 'gone@example.org' } });
    expect(after.status).toBe('unsubscribed');
    expect(after.confirmRequestedAt).toBeInstanceOf(Date);
  });

  it('a form without its CSRF token, or without the cookie, is refused with 403 and stores nothing', async () => {
    const session = await openForm(app);
    const noToken = await postForm(app, '/subscribe', { cookie: session.cookie, token: '' }, VALID_SIGNUP);
    expect(noToken.status).toBe(403);
    expect(noToken.headers['content-type']).toContain('text/html');
    expect(noToken.text).toContain('This form has expired');
    const noCookie = await postForm(app, '/subscribe', { cookie: '', token: session.token }, VALID_SIGNUP);
    expect(noCookie.status).toBe(403);
    const otherCookie = await openForm(app);
    const mismatched = await postForm(
      app,
      '/subscribe',
      { cookie: otherCookie.cookie, token: session.token },
      VALID_SIGNUP,
    );
    expect(mismatched.status).toBe(403);
    expect(await subscriberCount()).toBe(0);
  });

  it('the honeypot answers like a success and stores nothing', async () => {
    const session = await openForm(app);
    const bot = await postForm(app, '/subscribe', session, { ...VALID_SIGNUP, website: 'http://spam.example' });
    const human = await postForm(app, '/subscribe', session, {
      ...VALID_SIGNUP,
      email: 'human@example.org',
      website: '',
    });
    expect(bot.status).toBe(200);
    expect(bot.text).toBe(human.text);
    expect(await env.ctx.db.subscriber.findMany({ select: { email: true } })).toEqual([{ email: 'human@example.org' }]);
  });

  describe('invalid input: 400, a clear message, nothing stored', () => {
    const FIELDS = ['email', 'lists', 'frequency', 'weekday', 'sendHour', 'timezone'] as const;
    const cases: Array<[string, Record<string, unknown>, RegExp]> = [
      ['a bad address', { email: 'not-an-address' }, /valid email address/],
      ['a 10 KB address', { email: `${'a'.repeat(10 * 1024)}@example.org` }, /at most/],
      ['an unknown list', { lists: ['nope'] }, /No such list: nope/],
      ['a private list', { lists: ['staff'] }, /No such list: staff/],
      ['no list', { lists: [] }, /Choose at least one list/],
      ['a bad time zone', { timezone: 'Mars/Olympus_Mons' }, /known time zone/],
      ['an hour of 24', { sendHour: '24' }, /hour from 0 to 23/],
      ['an unknown frequency', { frequency: 'hourly' }, /daily or weekly/],
      ...FIELDS.map((field): [string, Record<string, unknown>, RegExp] => [
        `CR/LF in ${field}`,
        {
          [field]:
            field === 'lists'
              ? ['trending\r\nBcc: x@evil.example']
              : `${String(VALID_SIGNUP[field])}\r\nBcc: x@evil.example`,
        },
        /line breaks|valid email|daily or weekly|Choose a|known time zone/,
      ]),
      ...FIELDS.map((field): [string, Record<string, unknown>, RegExp] => [
        `HTML in ${field}`,
        {
          [field]: field === 'lists' ? ['<b>trending</b>'] : `<script>alert(1)</script>${String(VALID_SIGNUP[field])}`,
        },
        /&lt; or &gt;|< or >|daily or weekly|Choose a/,
      ]),
    ];

    it.each(cases)('form with %s', async (_name, override, message) => {
      const session = await openForm(app);
      const res = await postForm(app, '/subscribe', session, {
        ...VALID_SIGNUP,
        ...(override as Record<string, string>),
      });
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toContain('text/html');
      expect(res.text).toContain('Please check the form');
      expect(res.text).toMatch(message);
      expect(res.text).not.toContain('<script>alert(1)</script>');
      expect(res.text).not.toContain('<b>trending</b>');
      expect(await subscriberCount()).toBe(0);
    });

    it.each(cases)('JSON with %s', async (_name, override, message) => {
      const res = await request(app)
        .post('/subscribe')
        .send({ ...VALID_SIGNUP, ...override });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
      expect(res.body.error.message).toMatch(message);
      expect(await subscriberCount()).toBe(0);
    });
  });

  it('a body over 16 KB gets 413: an HTML page for the form, JSON for JSON clients', async () => {
    const session = await openForm(app);
    const form = await postForm(app, '/subscribe', session, { ...VALID_SIGNUP, email: 'x'.repeat(17 * 1024) });
    expect(form.status).toBe(413);
    expect(form.headers['content-type']).toContain('text/html');
    expect(form.text).toContain('too much text');
    const json = await request(app)
      .post('/subscribe')
      .send({ ...VALID_SIGNUP, email: 'x'.repeat(17 * 1024) });
    expect(json.status).toBe(413);
    expect(json.body.error.code).toBe('payload_too_large');
    expect(await subscriberCount()).toBe(0);
  });

  it('a body that is neither a form nor JSON gets 415', async () => {
    const res = await request(app).post('/subscribe').set('Content-Type', 'text/plain').send('email=a@example.org');
    expect(res.status).toBe(415);
    expect(await subscriberCount()).toBe(0);
  });
});

describe('sign-up rate limits', () => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await createTestEnv({
      SIGNUP_LIMIT_PER_IP: '3',
      SIGNUP_LIMIT_PER_ADDRESS: '2',
      SIGNUP_LIMIT_WINDOW_SECONDS: '600',
    });
    await createLists(env.ctx.db);
  });
  afterAll(() => env.cleanup());

  it('too many sign-ups from one IP get 429 with Retry-After', async () => {
    const app = createApp(env.ctx);
    const statuses = [];
    let last = await request(app)
      .post('/subscribe')
      .send({ ...VALID_SIGNUP, email: 'ip0@example.org' });
    statuses.push(last.status);
    for (let i = 1; i < 4; i += 1) {
      last = await request(app)
        .post('/subscribe')
        .send({ ...VALID_SIGNUP, email: `ip${i}@example.org` });
      statuses.push(last.status);
    }
    expect(statuses).toEqual([202, 202, 202, 429]);
    expect(Number(last.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(last.headers['retry-after'])).toBeLessThanOrEqual(600);
    expect(last.body.error.code).toBe('rate_limited');
    expect(await env.ctx.db.subscriber.count({ where: { email: 'ip3@example.org' } })).toBe(0);
  });

  it('sign-ups for one address are never refused (a stranger cannot lock its owner out); IPv6 counts per /64', async () => {
    const env2 = await createTestEnv({ SIGNUP_LIMIT_PER_IP: '100', SIGNUP_LIMIT_PER_ADDRESS: '2', TRUST_PROXY: '1' });
    try {
      await createLists(env2.ctx.db);
      const app = createApp(env2.ctx);
      const statuses = [];
      for (let i = 0; i < 4; i += 1) {
        const res = await request(app)
          .post('/subscribe')
          .set('X-Forwarded-For', `198.51.100.${i + 1}`)
          .send({ ...VALID_SIGNUP, email: 'Target@Example.org' });
        statuses.push(res.status);
      }
      expect(statuses).toEqual([202, 202, 202, 202]);
    } finally {
      await env2.cleanup();
    }
  });
});
