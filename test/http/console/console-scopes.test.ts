// One scope rule for the console and the JSON API: signed in with a scoped
// token, the console opens, shows and changes exactly what the API lets the
// same token read and change.
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdminToken, type Scope } from '../../../src/admin/admin-tokens.js';
import { addSubscriber, createAdminEnv, seedLists, type AdminEnv } from '../admin/admin-env.js';
import { openForm, postForm } from '../pages/page-helpers.js';

let env: AdminEnv;
let subscriberId: number;
let paperId: number;
let listId: number;

beforeAll(async () => {
  env = await createAdminEnv();
  await seedLists(env);
  subscriberId = (await addSubscriber(env, 'reader@example.org')).id;
  listId = (await env.ctx.db.list.findFirstOrThrow({ where: { slug: 'llm' } })).id;
  paperId = (
    await env.ctx.db.paper.create({ data: { key: 'k1', title: 'A paper about language models', source: 'admin' } })
  ).id;
});
afterAll(() => env.cleanup());

interface Caller {
  scopes: Scope[];
  token: string;
  cookie: string;
  csrf: string;
}

/** A token with these scopes, signed in to the console through the sign-in form. */
async function caller(scopes: Scope[]): Promise<Caller> {
  const { token } = await createAdminToken(env.ctx.db, scopes.join('+'), scopes);
  const form = await openForm(env.app, '/admin/sign-in');
  const res = await postForm(env.app, '/admin/sign-in', form, { token });
  expect(res.status).toBe(303);
  const cookie = ([] as string[])
    .concat(res.headers['set-cookie'] ?? [])
    .find((c) => c.startsWith('pb_console='))!
    .split(';')[0]!;
  // Every page a session sees, even a refusal, carries its sign-out form and so its CSRF token.
  const page = await request(env.app).get('/admin/no-such-page').set('Cookie', cookie);
  return { scopes, token, cookie, csrf: /name="_csrf" value="([^"]+)"/.exec(page.text)![1]! };
}

const SCOPE_SETS: Scope[][] = [
  ['read'],
  ['lists'],
  ['subscribers'],
  ['papers'],
  ['digests'],
  ['read', 'subscribers'],
  ['admin'],
];

/** Console pages and the API requests that read the same data. */
const reads = () => [
  { page: '/admin', api: '/stats' },
  { page: '/admin/lists', api: '/lists' },
  { page: `/admin/lists/${listId}`, api: `/lists/${listId}` },
  { page: '/admin/subscribers', api: '/subscribers' },
  { page: `/admin/subscribers/${subscriberId}`, api: `/subscribers/${subscriberId}` },
  { page: `/admin/subscribers/${subscriberId}/data`, api: `/subscribers/${subscriberId}/data` },
  { page: '/admin/subscribers/export.csv', api: '/subscribers/export' },
  { page: '/admin/digests', api: '/digests' },
  { page: `/admin/digests/preview?subscriber=${subscriberId}`, api: `/digests/preview?subscriber=${subscriberId}` },
  { page: '/admin/papers', api: '/papers' },
  { page: '/admin/tokens', api: '/tokens' },
  { page: '/admin/audit', api: '/audit' },
  { page: '/admin/api-docs/openapi.json', api: '/openapi.json' },
];

const allowed = (status: number) => status !== 401 && status !== 403;

describe('console scopes follow the API', () => {
  it('every page opens for exactly the tokens the API lets read the same data', async () => {
    for (const scopes of SCOPE_SETS) {
      const who = await caller(scopes);
      for (const { page, api } of reads()) {
        const viaApi = await request(env.app).get(`/api/admin${api}`).set('Authorization', `Bearer ${who.token}`);
        const viaConsole = await request(env.app).get(page).set('Cookie', who.cookie);
        expect(allowed(viaApi.status), `${scopes.join('+')} GET ${api}: ${viaApi.status}`).toBe(
          allowed(viaConsole.status),
        );
        expect(viaConsole.status, `${scopes.join('+')} GET ${page}`).toBe(allowed(viaApi.status) ? 200 : 403);
      }
    }
    // The previews compile the MJML template once: slow on a loaded machine.
  }, 120_000);

  it('every change goes through for exactly the tokens the API lets make it', async () => {
    const db = env.ctx.db;
    for (const [i, scopes] of SCOPE_SETS.entries()) {
      const who = await caller(scopes);
      const bearer = { Authorization: `Bearer ${who.token}` };
      const form = (path: string, fields: Record<string, string>) =>
        request(env.app)
          .post(path)
          .set('Cookie', who.cookie)
          .type('form')
          .send(new URLSearchParams({ ...fields, _csrf: who.csrf }).toString());
      const changes = [
        {
          api: () =>
            request(env.app)
              .post('/api/admin/lists')
              .set(bearer)
              .send({ slug: `api-${i}`, name: `API ${i}` }),
          page: () => form('/admin/lists', { slug: `console-${i}`, name: `Console ${i}`, intent: 'save' }),
        },
        {
          api: () => request(env.app).patch(`/api/admin/subscribers/${subscriberId}`).set(bearer).send({ sendHour: 5 }),
          page: () =>
            form(`/admin/subscribers/${subscriberId}`, {
              status: 'active',
              timezone: 'UTC',
              sendHour: '6',
              frequency: 'daily',
              weekday: '1',
              lists: 'trending',
            }),
        },
        {
          api: () => request(env.app).post(`/api/admin/papers/${paperId}/pin`).set(bearer),
          page: () => form(`/admin/papers/${paperId}/unpin`, {}),
        },
      ];
      for (const change of changes) {
        const viaApi = await change.api();
        const viaConsole = await change.page();
        expect(allowed(viaApi.status), `${scopes.join('+')} API: ${viaApi.status}`).toBe(allowed(viaConsole.status));
        expect([200, 201, 303, 403], `${scopes.join('+')} console: ${viaConsole.status}`).toContain(viaConsole.status);
      }
      const saved = [
        await db.list.count({ where: { slug: `api-${i}` } }),
        await db.list.count({ where: { slug: `console-${i}` } }),
      ];
      expect(saved, scopes.join('+')).toEqual(scopes.some((s) => s === 'lists' || s === 'admin') ? [1, 1] : [0, 0]);
    }
  });

  it('a token with only "lists" saves lists but sees no data, and no link to any', async () => {
    const who = await caller(['lists']);
    const home = await request(env.app).get('/admin').set('Cookie', who.cookie);
    expect(home.status).toBe(403);
    for (const href of ['/admin/lists"', '/admin/subscribers"', '/admin/papers"', '/admin/digests"', '/admin/queues"'])
      expect(home.text).not.toContain(`href="${href}`);
    const blank = await request(env.app).get('/admin/lists/new').set('Cookie', who.cookie);
    expect(blank.status).toBe(200);
    expect(blank.text).toContain('Save list');
    // The rule preview lists papers: reading, which this token may not do here or in the API.
    expect(blank.text).not.toContain('A paper about language models');
    expect(blank.text).not.toContain('value="preview"');
    const preview = await request(env.app)
      .post('/admin/lists/preview')
      .set('Cookie', who.cookie)
      .type('form')
      .send(new URLSearchParams({ keywords: 'language model', _csrf: who.csrf }).toString());
    expect(preview.status).toBe(403);
    const saved = await request(env.app)
      .post('/admin/lists')
      .set('Cookie', who.cookie)
      .type('form')
      .send(
        new URLSearchParams({ slug: 'writer-only', name: 'Writer only', intent: 'save', _csrf: who.csrf }).toString(),
      );
    expect(saved.status).toBe(303);
    expect(saved.headers.location).toBe('/admin/lists/new?done=saved');
    expect(await env.ctx.db.list.count({ where: { slug: 'writer-only' } })).toBe(1);
  });

  it('a read-only token sees subscribers, as the API shows them, with no control it may not use', async () => {
    const who = await caller(['read']);
    const home = await request(env.app).get('/admin').set('Cookie', who.cookie);
    expect(home.text).toContain('href="/admin/subscribers"');
    expect(home.text).not.toContain('href="/admin/queues"');
    const list = await request(env.app).get('/admin/subscribers').set('Cookie', who.cookie);
    expect(list.text).toContain('reader@example.org');
    expect(list.text).not.toContain('Import CSV');
    const detail = await request(env.app).get(`/admin/subscribers/${subscriberId}`).set('Cookie', who.cookie);
    expect(detail.status).toBe(200);
    expect(detail.text).toContain('reader@example.org');
    for (const control of ['Save changes', 'Erase…', 'Download their data']) expect(detail.text).not.toContain(control);

    const keeper = await caller(['read', 'subscribers', 'digests']);
    const full = await request(env.app).get(`/admin/subscribers/${subscriberId}`).set('Cookie', keeper.cookie);
    for (const control of ['Save changes', 'Erase…', 'Download their data']) expect(full.text).toContain(control);
    expect((await request(env.app).get('/admin').set('Cookie', keeper.cookie)).text).toContain('href="/admin/queues"');
  });

  it('a token without "read" cannot see subscriber data in the console, as in the API', async () => {
    const who = await caller(['subscribers', 'digests', 'papers', 'lists']);
    for (const path of [
      '/admin/subscribers',
      `/admin/subscribers/${subscriberId}`,
      '/admin/subscribers/export.csv',
      `/admin/digests/preview?subscriber=${subscriberId}`,
      `/admin/digests/preview/email?subscriber=${subscriberId}`,
    ]) {
      const res = await request(env.app).get(path).set('Cookie', who.cookie);
      expect(res.status, path).toBe(403);
      expect(res.text, path).not.toContain('reader@example.org');
    }
    expect(
      (await request(env.app).get('/api/admin/subscribers').set('Authorization', `Bearer ${who.token}`)).status,
    ).toBe(403);
  });
});
