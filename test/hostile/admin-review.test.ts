// The admin findings of the security review (issue 14): any token could mint
// and revoke tokens, wrong tokens were never throttled, and writes left no
// trail. Replayed against the real app; each failed on the reviewed code.
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdminToken, SCOPES } from '../../src/admin/admin-tokens.js';
import { adminRoutes } from '../../src/http/admin/index.js';
import { openApiPath, operationId } from '../../src/http/admin/openapi.js';
import { isWrite, scopeOf } from '../../src/http/admin/route.js';
import { createAdminEnv, type AdminEnv } from '../http/admin/admin-env.js';

const FAILURE_LIMIT = 3;

describe('security review: admin findings', () => {
  let env: AdminEnv;
  const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

  beforeAll(async () => {
    env = await createAdminEnv({ ADMIN_AUTH_FAILURE_LIMIT: String(FAILURE_LIMIT) });
  });
  afterAll(() => env?.cleanup());

  it('a token without the admin scope can neither mint nor revoke tokens (403, nothing changes)', async () => {
    const { token, info } = await createAdminToken(env.ctx.db, 'leaked', [
      'read',
      'subscribers',
      'lists',
      'papers',
      'digests',
    ]);
    const before = await env.ctx.db.adminToken.count();
    const mint = await request(env.app)
      .post('/api/admin/tokens')
      .set(bearer(token))
      .send({ name: 'replacement', scopes: ['admin'] });
    expect(mint.status).toBe(403);
    expect(mint.body.error.code).toBe('forbidden');
    expect(mint.body.error.message).toContain('admin');
    const revoke = await request(env.app).delete(`/api/admin/tokens/${info.id}`).set(bearer(token));
    expect(revoke.status).toBe(403);
    expect(await env.ctx.db.adminToken.count()).toBe(before);
    expect((await env.ctx.db.adminToken.findUniqueOrThrow({ where: { id: info.id } })).revokedAt).toBeNull();
  });

  it('the bootstrap ADMIN_TOKEN is admin: it mints a scoped token whose secret is answered once', async () => {
    const res = await env.api.post('/tokens').send({ name: 'lists bot', scopes: ['lists', 'read', 'lists'] });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ name: 'lists bot', scopes: ['read', 'lists'] });
    expect(res.body.token).toMatch(/^pb_/);
    const bad = await env.api.post('/tokens').send({ name: 'x', scopes: ['root'] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].path).toMatch(/^scopes/);
    expect((await env.api.post('/tokens').send({ name: 'x' })).body.error.details[0].path).toBe('scopes');
  });

  it('every route needs a scope: a token lacking it gets 403 on each, and its write changes nothing', async () => {
    const routes = adminRoutes(env.ctx);
    const tokens = Object.fromEntries(
      await Promise.all(
        SCOPES.map(
          async (scope) => [scope, (await createAdminToken(env.ctx.db, `only-${scope}`, [scope])).token] as const,
        ),
      ),
    );
    for (const route of routes) {
      const url = openApiPath(route.path).replace(/\{\w+\}/g, '1');
      // A token holding every scope but the one the route needs, and not admin.
      const needed = scopeOf(route);
      const others = SCOPES.filter((s) => s !== needed && s !== 'admin');
      const { token } = await createAdminToken(env.ctx.db, `not-${needed}`, others);
      const res = await request(env.app)[route.method](url).set(bearer(token)).send({});
      expect(res.status, `${route.method} ${url} needs ${needed}`).toBe(403);
      // Reads only: a write with the right scope would really change something.
      if (route.method === 'get' && needed !== 'admin') {
        const allowed = await request(env.app)[route.method](url).set(bearer(tokens[needed]!)).send({});
        expect(allowed.status, `${route.method} ${url} with ${needed}`).not.toBe(403);
      }
    }
    expect(await env.ctx.db.list.count()).toBe(0);
  });

  it('the OpenAPI document names the scope of every operation', async () => {
    const doc = (await env.api.get('/openapi.json')).body as {
      paths: Record<string, Record<string, { 'x-scope'?: string; description?: string }>>;
    };
    for (const route of adminRoutes(env.ctx)) {
      const op = doc.paths[openApiPath(route.path)]?.[route.method];
      expect(SCOPES, `${route.method} ${route.path}`).toContain(op?.['x-scope']);
      expect(op?.description).toContain(`\`${op?.['x-scope']}\` scope`);
    }
    expect(doc.paths['/api/admin/tokens']!.post!['x-scope']).toBe('admin');
    expect(doc.paths['/api/admin/lists']!.get!['x-scope']).toBe('read');
    expect(doc.paths['/api/admin/lists']!.post!['x-scope']).toBe('lists');
  });

  it('wrong tokens are throttled per IP: past the limit even a right token waits (429 with Retry-After)', async () => {
    // Its own IP (TRUST_PROXY is off, so req.ip is the socket's): a fresh env keeps the count to this test.
    const own = await createAdminEnv({ ADMIN_AUTH_FAILURE_LIMIT: String(FAILURE_LIMIT) });
    try {
      for (let i = 0; i < FAILURE_LIMIT; i += 1) {
        expect(
          (
            await request(own.app)
              .get('/api/admin/lists')
              .set(bearer(`pb_guess_${i}`))
          ).status,
        ).toBe(401);
      }
      const limited = await request(own.app).get('/api/admin/lists').set(bearer('pb_guess_again'));
      expect(limited.status).toBe(429);
      expect(limited.body.error.code).toBe('rate_limited');
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      expect((await own.api.get('/lists')).status).toBe(429);
    } finally {
      await own.cleanup();
    }
  });

  it('every admin write is in the audit log (token, action, target, time, IP), newest first and cursor-paged; refused writes are not', async () => {
    const { token, info } = await createAdminToken(env.ctx.db, 'auditor', ['read', 'lists', 'admin']);
    const started = new Date();
    for (const slug of ['a1', 'a2', 'a3']) {
      expect(
        (await request(env.app).post('/api/admin/lists').set(bearer(token)).send({ slug, name: slug })).status,
      ).toBe(201);
    }
    expect(
      (await request(env.app).patch('/api/admin/lists/a2').set(bearer(token)).send({ name: 'A two' })).status,
    ).toBe(200);
    const refused = await request(env.app).post('/api/admin/lists').set(bearer(token)).send({ slug: 'Bad Slug!' });
    expect(refused.status).toBe(400);

    const first = await request(env.app).get('/api/admin/audit?limit=2').set(bearer(token));
    expect(first.status).toBe(200);
    expect(first.body.items).toHaveLength(2);
    expect(first.body.items[0]).toMatchObject({
      tokenId: info.id,
      tokenName: 'auditor',
      action: 'patchListsBylist',
      target: '/api/admin/lists/a2',
    });
    expect(first.body.items[0].ip).toMatch(/127\.0\.0\.1|::1/);
    expect(new Date(first.body.items[0].createdAt).getTime()).toBeGreaterThanOrEqual(started.getTime() - 1000);
    const second = await request(env.app)
      .get(`/api/admin/audit?limit=2&cursor=${first.body.nextCursor}`)
      .set(bearer(token));
    const mine = [...first.body.items, ...second.body.items].filter((e: { tokenId: number }) => e.tokenId === info.id);
    expect(mine.map((e: { action: string }) => e.action)).toEqual([
      'patchListsBylist',
      'postLists',
      'postLists',
      'postLists',
    ]);
    expect(mine.some((e: { target: string }) => e.target.includes('Bad'))).toBe(false);

    // Reading the trail takes admin, and no read is ever recorded.
    const reader = await createAdminToken(env.ctx.db, 'reader', ['read']);
    expect((await request(env.app).get('/api/admin/audit').set(bearer(reader.token))).status).toBe(403);
    const actions = (await env.ctx.db.auditEntry.findMany()).map((e) => e.action);
    const writes = new Set(adminRoutes(env.ctx).filter(isWrite).map(operationId));
    expect(actions.every((a) => writes.has(a))).toBe(true);
  });
});
