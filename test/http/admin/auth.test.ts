import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdminToken, touchAdminToken, LAST_USED_THROTTLE_MS } from '../../../src/admin/admin-tokens.js';
import { adminRoutes } from '../../../src/http/admin/index.js';
import { openApiPath } from '../../../src/http/admin/openapi.js';
import { createAdminEnv, type AdminEnv } from './admin-env.js';

let env: AdminEnv;
beforeAll(async () => {
  // This file sends a wrong token to every route on purpose: no 429 in the way.
  env = await createAdminEnv({ ADMIN_AUTH_FAILURE_LIMIT: '1000' });
});
afterAll(() => env.cleanup());

/** A concrete URL for a route: :params filled with 1. */
const concrete = (path: string) => openApiPath(path).replace(/\{\w+\}/g, '1');

describe('admin authentication', () => {
  it('answers 401 on every admin route without a token, or with a wrong one', async () => {
    const routes = adminRoutes(env.ctx);
    expect(routes.length).toBeGreaterThan(25);
    for (const route of routes) {
      const url = concrete(route.path);
      const none = await request(env.app)[route.method](url);
      expect(none.status, `${route.method} ${url}`).toBe(401);
      expect(none.body.error.code).toBe('unauthorized');
      expect(none.headers['www-authenticate']).toContain('Bearer');
      const wrong = await request(env.app)[route.method](url).set('Authorization', 'Bearer not-the-token-at-all');
      expect(wrong.status, `${route.method} ${url} (wrong token)`).toBe(401);
    }
  });

  it('refuses other schemes, a token prefix and the token with one character changed', async () => {
    const token = env.config.adminToken;
    for (const header of [
      token,
      `Basic ${token}`,
      `Bearer ${token.slice(0, -1)}`,
      `Bearer ${token.slice(0, -1)}x`,
      'Bearer ',
    ]) {
      const res = await request(env.app).get('/api/admin/lists').set('Authorization', header);
      expect(res.status, header).toBe(401);
    }
  });

  it('accepts the bootstrap ADMIN_TOKEN', async () => {
    const res = await env.api.get('/lists');
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('accepts a stored token, records its use, and stops accepting it once revoked', async () => {
    const { token, info } = await createAdminToken(env.ctx.db, 'ci', ['read']);
    expect(token).toMatch(/^pb_[A-Za-z0-9_-]{43}$/);
    const stored = await env.ctx.db.adminToken.findUniqueOrThrow({ where: { id: info.id } });
    expect(stored.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(stored.tokenHash).not.toContain(token);

    const ok = await request(env.app).get('/api/admin/stats').set('Authorization', `Bearer ${token}`);
    expect(ok.status).toBe(200);
    await expect
      .poll(async () => (await env.ctx.db.adminToken.findUniqueOrThrow({ where: { id: info.id } })).lastUsedAt)
      .not.toBeNull();

    const revoke = await env.api.delete(`/tokens/${info.id}`);
    expect(revoke.status).toBe(204);
    const after = await request(env.app).get('/api/admin/stats').set('Authorization', `Bearer ${token}`);
    expect(after.status).toBe(401);
  });

  it('writes lastUsedAt at most once per throttle window', async () => {
    const { info } = await createAdminToken(env.ctx.db, 'throttle', ['read']);
    const t0 = new Date('2030-01-01T00:00:00Z');
    await touchAdminToken(env.ctx.db, { ...info, lastUsedAt: null }, t0);
    // A second server that read the row before the first write still does not write again.
    await touchAdminToken(env.ctx.db, { ...info, lastUsedAt: null }, new Date(t0.getTime() + 1000));
    let row = await env.ctx.db.adminToken.findUniqueOrThrow({ where: { id: info.id } });
    expect(row.lastUsedAt).toEqual(t0);
    const later = new Date(t0.getTime() + LAST_USED_THROTTLE_MS + 1);
    await touchAdminToken(env.ctx.db, row, later);
    row = await env.ctx.db.adminToken.findUniqueOrThrow({ where: { id: info.id } });
    expect(row.lastUsedAt).toEqual(later);
  });
});

describe('tokens API', () => {
  it('creates a token whose secret is shown once, lists tokens without secrets, revokes', async () => {
    const created = await env.api.post('/tokens').send({ name: 'deploy bot', scopes: ['admin'] });
    expect(created.status).toBe(201);
    expect(created.body.token).toMatch(/^pb_/);
    const works = await request(env.app).get('/api/admin/tokens').set('Authorization', `Bearer ${created.body.token}`);
    expect(works.status).toBe(200);
    const entry = works.body.items.find((t: { id: number }) => t.id === created.body.id);
    expect(entry).toMatchObject({ name: 'deploy bot', revokedAt: null });
    expect(Object.keys(entry).sort()).toEqual(['createdAt', 'id', 'lastUsedAt', 'name', 'revokedAt', 'scopes']);
    expect(entry.scopes).toEqual(['admin']);
    expect(JSON.stringify(works.body)).not.toContain(created.body.token);

    expect((await env.api.delete(`/tokens/${created.body.id}`)).status).toBe(204);
    expect((await env.api.delete(`/tokens/${created.body.id}`)).status).toBe(404);
    const listed = await env.api.get('/tokens');
    expect(listed.body.items.some((t: { id: number }) => t.id === created.body.id)).toBe(false);
    const all = await env.api.get('/tokens?includeRevoked=true');
    expect(all.body.items.find((t: { id: number }) => t.id === created.body.id).revokedAt).not.toBeNull();
  });

  it('validates the token name', async () => {
    const res = await env.api.post('/tokens').send({ name: 'a\nb', scopes: ['read'] });
    expect(res.status).toBe(400);
    expect(res.body.error.details[0].path).toBe('name');
  });
});

describe('queue dashboard', () => {
  it('is behind the same tokens: 401 without, 200 with bearer or as the Basic password', async () => {
    const none = await request(env.app).get('/admin/queues');
    expect(none.status).toBe(401);
    expect(none.headers['www-authenticate']).toContain('Basic');
    const bearer = await request(env.app).get('/admin/queues').set(env.auth);
    expect(bearer.status).toBe(200);
    expect(bearer.text).toContain('<div id="root">');
    const basic = await request(env.app).get('/admin/queues').auth('admin', env.config.adminToken);
    expect(basic.status).toBe(200);
    const api = await request(env.app).get('/admin/queues/api/queues').set(env.auth);
    expect(api.status).toBe(200);
    expect(api.body.queues.map((q: { name: string }) => q.name).sort()).toEqual([
      'digest-plan',
      'digest-send',
      'enrich',
      'ingest',
      'mail',
      'maintenance',
    ]);
    const apiNoAuth = await request(env.app).get('/admin/queues/api/queues');
    expect(apiNoAuth.status).toBe(401);
  });

  it('is read-only: adding a job from the browser is refused', async () => {
    const add = await request(env.app)
      .post('/admin/queues/api/queues/ingest/add')
      .set(env.auth)
      .send({ name: 'ingest', data: { source: 'file', path: '/etc/passwd' } });
    expect(add.status).toBe(405);
    expect(await env.ctx.queues.ingest.count()).toBe(0);
  });
});
