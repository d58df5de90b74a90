import request from 'supertest';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../../src/http/app.js';
import { sendConfirmation } from '../../../src/subscriptions/confirmation-mail.js';
import { subscriberLinks } from '../../../src/subscriptions/links.js';
import { createToken, TOKEN_TTL } from '../../../src/subscriptions/tokens.js';
import { createTestEnv, type TestEnv } from '../../helpers/context.js';
import { createLists, openForm, postForm } from './page-helpers.js';

describe('pages behind email links', () => {
  let env: TestEnv;
  let app: ReturnType<typeof createApp>;
  let secret: string;

  beforeAll(async () => {
    env = await createTestEnv();
    app = createApp(env.ctx);
    secret = env.config.secretKey;
    await createLists(env.ctx.db);
  });
  afterAll(() => env.cleanup());
  beforeEach(async () => {
    await env.ctx.db.subscriber.deleteMany();
  });

  async function pendingReader(email = 'reader@example.org', slugs = ['trending', 'llm']) {
    const lists = await env.ctx.db.list.findMany({ where: { slug: { in: slugs } } });
    return env.ctx.db.subscriber.create({
      data: {
        email,
        status: 'pending',
        confirmRequestedAt: new Date(),
        subscriptions: { create: lists.map((l) => ({ listId: l.id })) },
      },
    });
  }

  async function activeReader(email = 'active@example.org') {
    const reader = await pendingReader(email);
    await request(app).post(new URL(subscriberLinks(env.config, reader.id).confirm).pathname);
    return reader;
  }

  const path = (url: string) => new URL(url).pathname;
  const status = async (id: number) => (await env.ctx.db.subscriber.findUniqueOrThrow({ where: { id } })).status;

  describe('confirm links', () => {
    it('GET shows one button and confirms nothing (link scanners follow GETs)', async () => {
      const reader = await pendingReader();
      const link = path(subscriberLinks(env.config, reader.id).confirm);
      const page = await request(app).get(link).set('User-Agent', 'link-scanner');
      expect(page.status).toBe(200);
      expect(page.headers['cache-control']).toBe('no-store');
      expect(page.text).toContain(`<form method="post" action="${link}"`);
      expect(page.text).toContain('Yes, confirm my subscription');
      expect(await status(reader.id)).toBe('pending');
      expect(await env.ctx.db.consentRecord.count({ where: { subscriberId: reader.id } })).toBe(0);
    });

    it('POST activates, confirms the lists, records consent; the second one says already confirmed', async () => {
      const reader = await pendingReader();
      const link = path(subscriberLinks(env.config, reader.id).confirm);
      const first = await request(app).post(link).set('User-Agent', 'mail-client');
      expect(first.status).toBe(200);
      expect(first.text).toContain('You are subscribed');
      expect(first.headers['cache-control']).toBe('no-store');
      const row = await env.ctx.db.subscriber.findUniqueOrThrow({
        where: { id: reader.id },
        include: { subscriptions: true, consents: true },
      });
      expect(row.status).toBe('active');
      expect(row.subscriptions.every((s) => s.confirmedAt)).toBe(true);
      expect(row.consents).toEqual([
        expect.objectContaining({ action: 'confirm', userAgent: 'mail-client', lists: ['trending', 'llm'] }),
      ]);
      const second = await request(app).post(link);
      expect(second.status).toBe(200);
      expect(second.text).toContain('Already confirmed');
      expect(await env.ctx.db.consentRecord.count({ where: { subscriberId: reader.id } })).toBe(1);
    });

    it('confirms lists an active reader added, without touching the rest', async () => {
      const reader = await activeReader();
      const session = await openForm(app);
      await postForm(app, '/subscribe', session, {
        email: 'active@example.org',
        lists: ['vision'],
        timezone: 'UTC',
        sendHour: '7',
        frequency: 'daily',
        weekday: '1',
      });
      const vision = await env.ctx.db.list.findUniqueOrThrow({ where: { slug: 'vision' } });
      const pending = await env.ctx.db.subscription.findUniqueOrThrow({
        where: { subscriberId_listId: { subscriberId: reader.id, listId: vision.id } },
      });
      expect(pending.confirmedAt).toBeNull();
      const res = await request(app).post(path(subscriberLinks(env.config, reader.id).confirm));
      expect(res.text).toContain('Your new lists are confirmed');
      const after = await env.ctx.db.subscription.findUniqueOrThrow({
        where: { subscriberId_listId: { subscriberId: reader.id, listId: vision.id } },
      });
      expect(after.confirmedAt).toBeInstanceOf(Date);
    });

    const badTokens: Array<[string, (id: number) => string, number, RegExp]> = [
      [
        'tampered',
        (id) => createToken(secret, 'confirm', { sub: id }).replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')),
        400,
        /This link does not work/,
      ],
      [
        'forged for another subscriber',
        (id) =>
          `${Buffer.from(JSON.stringify({ sub: id + 1 })).toString('base64url')}.${createToken(secret, 'confirm', { sub: id }).split('.')[1]}`,
        400,
        /This link does not work/,
      ],
      [
        'made for another purpose',
        (id) => createToken(secret, 'unsubscribe', { sub: id }),
        400,
        /This link does not work/,
      ],
      [
        'signed with another key',
        (id) => createToken('another-secret-another-secret-1234', 'confirm', { sub: id }),
        400,
        /This link does not work/,
      ],
      [
        'expired',
        (id) => createToken(secret, 'confirm', { sub: id }, Date.now() - (TOKEN_TTL.confirm! + 60) * 1000),
        410,
        /has expired/,
      ],
      ['garbage', () => 'not-a-token', 400, /This link does not work/],
      ['very long', () => 'a'.repeat(2000), 400, /This link does not work/],
      [
        'for a subscriber that does not exist',
        () => createToken(secret, 'confirm', { sub: 999999 }),
        404,
        /no longer exists/,
      ],
    ];

    it.each(badTokens)(
      'a %s token gets a friendly 4xx page on GET and POST, changes nothing',
      async (_name, makeToken, code, message) => {
        const reader = await pendingReader();
        const token = makeToken(reader.id);
        for (const method of ['get', 'post'] as const) {
          const res = await request(app)[method](`/confirm/${token}`).set('Accept', 'text/html');
          expect(res.status, method).toBe(code);
          expect(res.headers['content-type']).toContain('text/html');
          expect(res.text).toMatch(message);
          expect(res.text).toMatch(/Sign up again|Email me a new link/);
        }
        expect(await status(reader.id)).toBe('pending');
      },
    );

    it('the expired page offers a new email, which is requested on POST', async () => {
      const reader = await pendingReader();
      await env.ctx.db.subscriber.update({
        where: { id: reader.id },
        data: { confirmRequestedAt: new Date(Date.now() - 8 * 24 * 3600 * 1000) },
      });
      const expired = createToken(secret, 'confirm', { sub: reader.id }, Date.now() - 8 * 24 * 3600 * 1000);
      const page = await request(app).get(`/confirm/${expired}`);
      expect(page.status).toBe(410);
      expect(page.text).toContain(`action="/confirm/${expired}/renew"`);
      const cookie = String(page.headers['set-cookie']?.[0]).split(';')[0]!;
      const token = /name="_csrf" value="([^"]+)"/.exec(page.text)![1]!;
      const renewed = await postForm(app, `/confirm/${expired}/renew`, { cookie, token }, {});
      expect(renewed.status).toBe(200);
      expect(renewed.text).toContain('Check your inbox');
      const after = await env.ctx.db.subscriber.findUniqueOrThrow({ where: { id: reader.id } });
      expect(after.confirmRequestedAt!.getTime()).toBeGreaterThan(Date.now() - 60_000);
      // A forged token gets the same answer and requests nothing.
      await env.ctx.db.subscriber.update({ where: { id: reader.id }, data: { confirmRequestedAt: null } });
      const forged = await postForm(app, `/confirm/${expired}x/renew`, { cookie, token }, {});
      expect(forged.text).toBe(renewed.text);
      expect(
        (await env.ctx.db.subscriber.findUniqueOrThrow({ where: { id: reader.id } })).confirmRequestedAt,
      ).toBeNull();
    });

    it('a confirm link from before an unsubscribe does not re-subscribe', async () => {
      const reader = await pendingReader();
      const oldLink = path(subscriberLinks(env.config, reader.id, Date.now() - 60_000).confirm);
      await env.ctx.db.subscriber.update({
        where: { id: reader.id },
        data: { status: 'unsubscribed', unsubscribedAt: new Date() },
      });
      const res = await request(app).post(oldLink);
      expect(res.status).toBe(410);
      expect(res.text).toContain('from before you unsubscribed');
      expect(await status(reader.id)).toBe('unsubscribed');
    });
  });

  describe('unsubscribe', () => {
    it('GET shows a confirm button and changes nothing', async () => {
      const reader = await activeReader();
      const res = await request(app).get(path(subscriberLinks(env.config, reader.id).unsubscribe));
      expect(res.status).toBe(200);
      expect(res.text).toContain('Yes, unsubscribe me');
      expect(res.text).toMatch(/<form method="post" action="\/unsubscribe\//);
      expect(await status(reader.id)).toBe('active');
    });

    it('the RFC 8058 one-click POST works with no cookie, as a form or multipart, and is idempotent', async () => {
      const reader = await activeReader();
      const link = path(subscriberLinks(env.config, reader.id).unsubscribe);
      const res = await request(app).post(link).type('form').send('List-Unsubscribe=One-Click');
      expect(res.status).toBe(200);
      expect(res.text).toContain('You are unsubscribed');
      const row = await env.ctx.db.subscriber.findUniqueOrThrow({
        where: { id: reader.id },
        include: { consents: { orderBy: { id: 'desc' } } },
      });
      expect(row.status).toBe('unsubscribed');
      expect(row.consents[0]).toMatchObject({ action: 'unsubscribe', formVersion: 'one-click' });
      const again = await request(app).post(link).field('List-Unsubscribe', 'One-Click');
      expect(again.status).toBe(200);
      expect(await env.ctx.db.consentRecord.count({ where: { subscriberId: reader.id, action: 'unsubscribe' } })).toBe(
        1,
      );

      const other = await activeReader('multipart@example.org');
      const multipart = await request(app)
        .post(path(subscriberLinks(env.config, other.id).unsubscribe))
        .field('List-Unsubscribe', 'One-Click');
      expect(multipart.status).toBe(200);
      expect(await status(other.id)).toBe('unsubscribed');
    });

    it('a POST that is neither one-click nor carries the CSRF token is refused and changes nothing', async () => {
      const reader = await activeReader();
      const link = path(subscriberLinks(env.config, reader.id).unsubscribe);
      const res = await request(app).post(link).type('form').send('confirm=yes');
      expect(res.status).toBe(403);
      expect(await status(reader.id)).toBe('active');
    });

    it('the page button unsubscribes (with its CSRF token)', async () => {
      const reader = await activeReader();
      const link = path(subscriberLinks(env.config, reader.id).unsubscribe);
      const session = await openForm(app, link);
      const res = await postForm(app, link, session, {});
      expect(res.status).toBe(200);
      expect(await status(reader.id)).toBe('unsubscribed');
    });

    it.each([
      ['a tampered token', (id: number) => `${createToken(secret, 'unsubscribe', { sub: id })}x`],
      ['a manage token', (id: number) => createToken(secret, 'manage', { sub: id })],
    ])('%s gets 400 on GET and on the one-click POST', async (_name, makeToken) => {
      const reader = await activeReader();
      const token = makeToken(reader.id);
      expect((await request(app).get(`/unsubscribe/${token}`)).status).toBe(400);
      const post = await request(app).post(`/unsubscribe/${token}`).type('form').send('List-Unsubscribe=One-Click');
      expect(post.status).toBe(400);
      expect(await status(reader.id)).toBe('active');
    });
  });

  describe('preferences', () => {
    it('GET shows lists, schedule and the way out; POST saves them', async () => {
      const reader = await activeReader();
      const link = path(subscriberLinks(env.config, reader.id).preferences);
      const session = await openForm(app, link);
      const page = await request(app).get(link).set('Cookie', session.cookie);
      expect(page.text).toMatch(/value="trending" checked/);
      expect(page.text).toMatch(/value="vision"(?! checked)/);
      expect(page.text).toContain('Unsubscribe from all lists');
      const res = await postForm(app, link, session, {
        lists: ['vision'],
        frequency: 'weekly',
        weekday: '3',
        sendHour: '18',
        timezone: 'America/New_York',
      });
      expect(res.status).toBe(200);
      expect(res.text).toContain('Saved');
      const row = await env.ctx.db.subscriber.findUniqueOrThrow({
        where: { id: reader.id },
        include: { subscriptions: { include: { list: true } }, consents: true },
      });
      expect(row).toMatchObject({
        status: 'active',
        frequency: 'weekly',
        weekday: 3,
        sendHour: 18,
        timezone: 'America/New_York',
      });
      expect(row.subscriptions.map((s) => [s.list.slug, s.confirmedAt !== null])).toEqual([['vision', true]]);
      expect(row.consents.map((c) => c.action)).toContain('preferences');
    });

    it('refuses a form without CSRF (403), bad input (400) and bad tokens (400), changing nothing', async () => {
      const reader = await activeReader();
      const link = path(subscriberLinks(env.config, reader.id).preferences);
      const session = await openForm(app, link);
      const fields = { lists: ['vision'], frequency: 'daily', weekday: '1', sendHour: '7', timezone: 'UTC' };
      expect((await postForm(app, link, undefined, fields)).status).toBe(403);
      const badZone = await postForm(app, link, session, { ...fields, timezone: 'Nowhere/Land' });
      expect(badZone.status).toBe(400);
      expect(badZone.text).toContain('known time zone');
      const privateList = await postForm(app, link, session, { ...fields, lists: ['staff'] });
      expect(privateList.status).toBe(400);
      const none = await postForm(app, link, session, { ...fields, lists: [] });
      expect(none.status).toBe(400);
      expect(none.text).toContain('unsubscribe from everything');
      const wrongPurpose = `/preferences/${createToken(secret, 'unsubscribe', { sub: reader.id })}`;
      expect((await request(app).get(wrongPurpose)).status).toBe(400);
      expect((await postForm(app, wrongPurpose, session, fields)).status).toBe(400);
      const row = await env.ctx.db.subscriber.findUniqueOrThrow({
        where: { id: reader.id },
        include: { subscriptions: { include: { list: true } } },
      });
      expect(row.subscriptions.map((s) => s.list.slug).sort()).toEqual(['llm', 'trending']);
    });

    it('an unsubscribed reader can come back only through a new confirmation', async () => {
      const reader = await activeReader();
      await request(app)
        .post(path(subscriberLinks(env.config, reader.id).unsubscribe))
        .type('form')
        .send('List-Unsubscribe=One-Click');
      const link = path(subscriberLinks(env.config, reader.id).preferences);
      const session = await openForm(app, link);
      const page = await request(app).get(link).set('Cookie', session.cookie);
      expect(page.text).toContain('Subscribe again');
      const res = await postForm(app, link, session, { action: 'resubscribe' });
      expect(res.text).toContain('Check your inbox');
      const row = await env.ctx.db.subscriber.findUniqueOrThrow({ where: { id: reader.id } });
      expect(row.status).toBe('unsubscribed');
      expect(row.confirmRequestedAt).toBeInstanceOf(Date);
      expect(row.confirmRequestedAt!.getTime()).toBeGreaterThan(row.unsubscribedAt!.getTime());
      // A fresh confirm link (minted after the unsubscribe) brings the reader back.
      const confirm = await request(app).post(path(subscriberLinks(env.config, reader.id, Date.now() + 2000).confirm));
      expect(confirm.text).toContain('You are subscribed');
      expect(await status(reader.id)).toBe('active');
    });

    it('subscribing again right after an unsubscribe sends the confirmation; a second click says when it went', async () => {
      const reader = await activeReader();
      // A confirmation was sent minutes ago, inside the 10-minute throttle.
      await env.ctx.db.subscriber.update({
        where: { id: reader.id },
        data: { confirmRequestedAt: new Date(), confirmSentAt: new Date() },
      });
      await request(app)
        .post(path(subscriberLinks(env.config, reader.id).unsubscribe))
        .type('form')
        .send('List-Unsubscribe=One-Click');
      const link = path(subscriberLinks(env.config, reader.id).preferences);
      const session = await openForm(app, link);
      const first = await postForm(app, link, session, { action: 'resubscribe' });
      expect(first.text).toContain('a confirmation link is on its way');
      const before = env.sink.messages.length;
      expect(await sendConfirmation(env.ctx, reader.id)).toBe('sent');
      const [mail] = (await env.sink.waitFor(before + 1)).slice(before);
      expect(mail!.envelope.to).toEqual([reader.email]);

      const second = await postForm(app, link, session, { action: 'resubscribe' });
      expect(second.text).toMatch(
        /We sent you a confirmation link at \d\d:\d\d UTC \((less than a minute|\d+ minutes?) ago\)/,
      );
      expect(await sendConfirmation(env.ctx, reader.id)).toBe('already_sent');
    });
  });

  it('escapes list names and descriptions everywhere they are shown', async () => {
    await env.ctx.db.list.create({
      data: { slug: 'xss', name: '<img src=x onerror=alert(1)>', description: '"><script>alert(2)</script>' },
    });
    try {
      const landing = await request(app).get('/');
      expect(landing.text).not.toContain('<img src=x');
      expect(landing.text).not.toContain('<script>alert(2)');
      expect(landing.text).toContain('&lt;img src=x onerror=alert(1)&gt;');
    } finally {
      await env.ctx.db.list.delete({ where: { slug: 'xss' } });
    }
  });
});
