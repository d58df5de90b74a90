// The console's guards, over HTTP: without a session, with a forged or
// missing CSRF token, or with too few scopes, a change is refused and
// Postgres is left as it was; sessions expire, end at sign-out, and end
// with their token.
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdminToken, revokeAdminToken } from '../../../src/admin/admin-tokens.js';
import { openConsoleSession } from '../../../src/admin/console-sessions.js';
import { addSubscriber, createAdminEnv, seedLists, type AdminEnv } from '../admin/admin-env.js';
import { openForm, postForm } from '../pages/page-helpers.js';

let env: AdminEnv;
let paperId: number;
let subscriberId: number;

beforeAll(async () => {
  env = await createAdminEnv();
  await seedLists(env);
  subscriberId = (await addSubscriber(env, 'kept@example.org')).id;
  paperId = (await env.ctx.db.paper.create({ data: { key: 'k1', title: 'A paper', source: 'admin' } })).id;
});
afterAll(() => env.cleanup());

interface Signed {
  cookie: string;
  csrf: string;
}

async function signIn(token = env.config.adminToken): Promise<Signed> {
  const form = await openForm(env.app, '/admin/sign-in');
  const res = await postForm(env.app, '/admin/sign-in', form, { token, next: '/admin/lists' });
  expect(res.status).toBe(303);
  const cookie = ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.startsWith('pb_console='))!;
  const page = await request(env.app).get('/admin/lists').set('Cookie', cookie.split(';')[0]!);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)![1]!;
  return { cookie: cookie.split(';')[0]!, csrf };
}

/** Every change the console can make, as a form post. */
const changes = (): Array<{ path: string; fields: Record<string, string> }> => [
  { path: '/admin/lists', fields: { slug: 'sneaky', name: 'Sneaky', intent: 'save' } },
  { path: `/admin/papers/${paperId}/hide`, fields: {} },
  { path: '/admin/tokens', fields: { name: 'sneaky' } },
  { path: `/admin/subscribers/${subscriberId}/erase`, fields: { confirm: 'yes' } },
  {
    path: `/admin/subscribers/${subscriberId}`,
    fields: {
      status: 'unsubscribed',
      timezone: 'UTC',
      sendHour: '3',
      frequency: 'daily',
      weekday: '1',
      lists: 'trending',
    },
  },
  { path: '/admin/digests', fields: { date: '2026-05-01' } },
  { path: '/admin/digests/test-send', fields: { subscriber: String(subscriberId), to: 'x@example.net' } },
];

async function snapshot() {
  const db = env.ctx.db;
  return {
    lists: await db.list.count(),
    hidden: (await db.paper.findUniqueOrThrow({ where: { id: paperId } })).hidden,
    tokens: await db.adminToken.count(),
    subscriber: await db.subscriber.findUnique({
      where: { id: subscriberId },
      select: { status: true, sendHour: true },
    }),
    digests: await db.digest.count(),
    testSends: await db.testSend.count(),
    subscribers: await db.subscriber.count(),
  };
}

function post(path: string, fields: Record<string, string>, cookie?: string, csrf?: string) {
  const body = new URLSearchParams(fields);
  if (csrf !== undefined) body.append('_csrf', csrf);
  const req = request(env.app).post(path).type('form');
  if (cookie) req.set('Cookie', cookie);
  return req.send(body.toString());
}

describe('console guards', () => {
  it('sends a visitor without a session to the sign-in page, and refuses their changes', async () => {
    const page = await request(env.app).get('/admin/subscribers?q=kept');
    expect(page.status).toBe(303);
    expect(page.headers.location).toBe('/admin/sign-in?next=%2Fadmin%2Fsubscribers%3Fq%3Dkept');
    const before = await snapshot();
    for (const change of changes()) {
      const res = await post(change.path, change.fields, undefined, 'anything');
      expect(res.status, change.path).toBe(401);
    }
    const csv = await request(env.app)
      .post('/admin/subscribers/import')
      .set('Content-Type', 'text/csv')
      .send('email,lists\nnew@example.org,trending\n');
    expect(csv.status).toBe(401);
    expect(await snapshot()).toEqual(before);
  });

  it('refuses every change whose CSRF token is missing or forged, and accepts the real one', async () => {
    const { cookie, csrf } = await signIn();
    const before = await snapshot();
    for (const change of changes()) {
      expect((await post(change.path, change.fields, cookie)).status, `${change.path} without a token`).toBe(403);
      expect(
        (await post(change.path, change.fields, cookie, `${csrf.slice(0, -2)}xx`)).status,
        `${change.path} forged`,
      ).toBe(403);
    }
    const csv = await request(env.app)
      .post('/admin/subscribers/import?status=active')
      .set('Cookie', cookie)
      .set('X-CSRF-Token', 'forged')
      .set('Content-Type', 'text/csv')
      .send('email,lists\nnew@example.org,trending\n');
    expect(csv.status).toBe(403);
    // Another session's token is no better than a forged one.
    const other = await signIn();
    expect((await post('/admin/tokens', { name: 'sneaky' }, cookie, other.csrf)).status).toBe(403);
    expect(await snapshot()).toEqual(before);

    const real = await post(`/admin/papers/${paperId}/hide`, {}, cookie, csrf);
    expect(real.status).toBe(303);
    expect((await env.ctx.db.paper.findUniqueOrThrow({ where: { id: paperId } })).hidden).toBe(true);
  });

  it("signs in only with a valid token and the sign-in form's own CSRF token, and never redirects off-site", async () => {
    const sessions = await env.ctx.db.consoleSession.count();
    const form = await openForm(env.app, '/admin/sign-in');
    expect((await postForm(env.app, '/admin/sign-in', undefined, { token: env.config.adminToken })).status).toBe(403);
    expect((await postForm(env.app, '/admin/sign-in', form, { token: 'wrong-token-wrong-token' })).status).toBe(401);
    expect(await env.ctx.db.consoleSession.count()).toBe(sessions);
    const res = await postForm(env.app, '/admin/sign-in', form, {
      token: env.config.adminToken,
      next: '//evil.example/admin',
    });
    expect(res.headers.location).toBe('/admin');
    const cookie = ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.startsWith('pb_console='))!;
    // PUBLIC_URL is https in tests: the cookie is Secure.
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(/Secure/);
    expect(cookie).toMatch(/Path=\/admin/);
  });

  it('ends sessions at sign-out, at expiry, and when their token is revoked', async () => {
    const first = await signIn();
    expect((await post('/admin/sign-out', {}, first.cookie, first.csrf)).status).toBe(303);
    expect((await request(env.app).get('/admin').set('Cookie', first.cookie)).status).toBe(303);

    const { token, info } = await createAdminToken(env.ctx.db, 'short-lived', ['admin']);
    const second = await signIn(token);
    expect((await request(env.app).get('/admin').set('Cookie', second.cookie)).status).toBe(200);
    // Signing in is a use of the token: the tokens page must not call it unused.
    await expect
      .poll(async () => (await env.ctx.db.adminToken.findUniqueOrThrow({ where: { id: info.id } })).lastUsedAt)
      .not.toBeNull();
    await revokeAdminToken(env.ctx.db, info.id);
    expect((await request(env.app).get('/admin').set('Cookie', second.cookie)).status).toBe(303);

    const old = await openConsoleSession(
      env.ctx.db,
      { tokenId: null, name: 'bootstrap', scopes: ['admin'] },
      10,
      new Date(Date.now() - 11 * 60_000),
    );
    expect((await request(env.app).get('/admin').set('Cookie', `pb_console=${old.secret}`)).status).toBe(303);
  });

  it("shows and allows only what the session's scopes allow", async () => {
    const { secret, session } = await openConsoleSession(
      env.ctx.db,
      { tokenId: null, name: 'reader', scopes: ['read'] },
      10,
    );
    const cookie = `pb_console=${secret}`;
    const home = await request(env.app).get('/admin').set('Cookie', cookie);
    expect(home.status).toBe(200);
    expect(home.text).toContain('href="/admin/lists"');
    expect(home.text).not.toContain('href="/admin/tokens"');
    // The API lets a read token list subscribers, so the console does too (console-scopes.test.ts).
    expect(home.text).toContain('href="/admin/subscribers"');
    expect((await request(env.app).get('/admin/tokens').set('Cookie', cookie)).status).toBe(403);
    const before = await snapshot();
    expect((await post('/admin/tokens', { name: 'sneaky' }, cookie, session.csrfToken)).status).toBe(403);
    expect(
      (await post('/admin/lists', { slug: 'sneaky', name: 'Sneaky', intent: 'save' }, cookie, session.csrfToken))
        .status,
    ).toBe(403);
    expect((await post(`/admin/papers/${paperId}/unhide`, {}, cookie, session.csrfToken)).status).toBe(403);
    expect(await snapshot()).toEqual(before);
    // Reading is allowed, including the rule preview (it saves nothing).
    const preview = await post('/admin/lists/preview', { keywords: 'paper' }, cookie, session.csrfToken);
    expect(preview.status).toBe(200);
  });

  it('lets a console session into the queue dashboard without a Basic-auth prompt', async () => {
    const { cookie } = await signIn();
    const withSession = await request(env.app).get('/admin/queues').set('Cookie', cookie);
    expect(withSession.status).toBe(200);
    const without = await request(env.app).get('/admin/queues');
    expect(without.status).toBe(401);
  });
});
