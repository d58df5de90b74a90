// `paperboy token` as an operator runs it: a child process; the secret alone on stdout.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashToken } from '../../src/admin/admin-tokens.js';
import { createApp } from '../../src/http/app.js';
import { createTestEnv, type TestEnv } from '../helpers/context.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
let env: TestEnv;
beforeAll(async () => {
  env = await createTestEnv();
});
afterAll(() => env.cleanup());

function paperboy(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const childEnv = {
    PATH: process.env.PATH,
    NODE_ENV: 'test',
    DATABASE_URL: env.config.databaseUrl,
    LOG_LEVEL: 'warn',
  };
  return new Promise((resolve) => {
    execFile(
      'node',
      ['bin/paperboy.js', 'token', ...args],
      { cwd: root, env: childEnv, timeout: 60_000 },
      (error, stdout, stderr) => {
        resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
      },
    );
  });
}

describe('paperboy token', () => {
  it('creates a token that works against the API, stored only as its hash; lists and revokes it', async () => {
    const created = await paperboy(['create', '--name', 'ci', '--scopes', 'read,lists']);
    expect(created.code).toBe(0);
    const token = created.stdout.trim();
    expect(token).toMatch(/^pb_[A-Za-z0-9_-]{43}$/);
    expect(created.stderr).toContain('shown once');
    const row = await env.ctx.db.adminToken.findFirstOrThrow({ where: { name: 'ci' } });
    expect(row.tokenHash).toBe(hashToken(token));

    const res = await request(createApp(env.ctx)).get('/api/admin/lists').set('Authorization', `Bearer ${token}`);
    expect(res.status).toBe(200);

    const listed = await paperboy(['list']);
    expect(JSON.parse(listed.stdout)).toEqual([
      expect.objectContaining({ id: row.id, name: 'ci', scopes: ['read', 'lists'], revokedAt: null }),
    ]);
    // Read and lists work; minting a token takes admin.
    const mint = await request(createApp(env.ctx))
      .post('/api/admin/tokens')
      .set('Authorization', `Bearer ${token}`)
      .send({ name: 'x', scopes: ['admin'] });
    expect(mint.status).toBe(403);
    expect(await env.ctx.db.auditEntry.count({ where: { tokenName: 'cli', action: 'createToken' } })).toBe(1);
    expect(listed.stdout).not.toContain(token);

    const revoked = await paperboy(['revoke', '--id', String(row.id)]);
    expect(JSON.parse(revoked.stdout)).toEqual({ id: row.id, revoked: true });
    const after = await request(createApp(env.ctx)).get('/api/admin/lists').set('Authorization', `Bearer ${token}`);
    expect(after.status).toBe(401);
  }, 200_000); // three cold starts of the CLI (tsx) on a busy machine

  it('exits 2 with usage when the name or the scopes are missing or unknown', async () => {
    const run = await paperboy(['create']);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('--name');
    const scopes = await paperboy(['create', '--name', 'x', '--scopes', 'read,root']);
    expect(scopes.code).toBe(2);
    expect(scopes.stderr).toContain('--scopes');
    expect(await env.ctx.db.adminToken.count({ where: { name: 'x' } })).toBe(0);
  }, 70_000);
});
