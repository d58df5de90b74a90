import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import SwaggerParser from '@apidevtools/swagger-parser';
import type { Router } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminRouter } from '../../../src/http/admin/index.js';
import { openApiPath } from '../../../src/http/admin/openapi.js';
import { createAdminEnv, type AdminEnv } from './admin-env.js';

let env: AdminEnv;
beforeAll(async () => {
  env = await createAdminEnv();
});
afterAll(() => env.cleanup());

/** The routes express actually serves, read from the router itself (not from the route table). */
function mountedRoutes(router: Router): string[] {
  const found: string[] = [];
  for (const layer of router.stack as Array<{ route?: { path: string; methods: Record<string, boolean> } }>) {
    if (!layer.route) continue;
    for (const method of Object.keys(layer.route.methods)) found.push(`${method} ${openApiPath(layer.route.path)}`);
  }
  return found.sort();
}

describe('GET /api/admin/openapi.json', () => {
  it('is a valid OpenAPI 3 document', async () => {
    const res = await env.api.get('/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toMatch(/^3\./);
    // validate() dereferences in place: give it a copy.
    await expect(SwaggerParser.validate(structuredClone(res.body))).resolves.toBeTruthy();
  });

  it('passes `redocly lint` with the recommended rules: no errors, no warnings', { timeout: 60_000 }, async () => {
    const res = await env.api.get('/openapi.json');
    expect(res.body.openapi).toBe('3.1.0');
    expect(res.body.info.license).toEqual({ name: 'MIT', identifier: 'MIT' });
    expect(res.body.servers).toEqual([expect.objectContaining({ url: env.ctx.config.publicUrl })]);
    const dir = await mkdtemp(join(tmpdir(), 'paperboy-openapi-'));
    try {
      const file = join(dir, 'openapi.json');
      await writeFile(file, JSON.stringify(res.body));
      const root = fileURLToPath(new URL('../../../', import.meta.url));
      // Offline: the config is local and telemetry is off, so nothing is fetched.
      const lint = await promisify(execFile)(
        process.execPath,
        ['node_modules/@redocly/cli/bin/cli.js', 'lint', file, '--config', 'redocly.yaml', '--format', 'json'],
        {
          cwd: root,
          env: { PATH: process.env.PATH, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
        },
      ).catch((error: { stdout?: string; stderr?: string }) => error);
      const report = JSON.parse(lint.stdout ?? '{}') as {
        totals: { errors: number; warnings: number };
        problems: unknown[];
      };
      expect(report.problems, lint.stderr).toEqual([]);
      expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('documents every route the admin router serves, and nothing else', async () => {
    const doc = (await env.api.get('/openapi.json')).body as { paths: Record<string, Record<string, unknown>> };
    const documented = Object.entries(doc.paths)
      .flatMap(([path, item]) => Object.keys(item).map((method) => `${method} ${path}`))
      .sort();
    const served = mountedRoutes(adminRouter(env.ctx));
    expect(served.length).toBeGreaterThan(25);
    expect(documented).toEqual(served);
  });

  it('documents bearer security, request schemas and the error shape', async () => {
    const doc = (await env.api.get('/openapi.json')).body;
    expect(doc.components.securitySchemes.bearerAuth).toEqual(
      expect.objectContaining({ type: 'http', scheme: 'bearer' }),
    );
    expect(doc.security).toEqual([{ bearerAuth: [] }]);
    const createList = doc.paths['/api/admin/lists'].post;
    expect(createList.requestBody.content['application/json'].schema.$ref).toBe('#/components/schemas/ListInput');
    expect(doc.components.schemas.ListInput.required).toEqual(expect.arrayContaining(['slug', 'name']));
    expect(createList.responses['401'].content['application/json'].schema.$ref).toBe('#/components/schemas/Error');
    const search = doc.paths['/api/admin/subscribers'].get.parameters.map((p: { name: string }) => p.name);
    expect(search).toEqual(expect.arrayContaining(['status', 'list', 'q', 'cursor', 'limit']));
    expect(doc.paths['/api/admin/subscribers/import'].post.requestBody.content['text/csv']).toBeDefined();
    const ids = Object.values(doc.paths).flatMap((item) =>
      Object.values(item as Record<string, { operationId: string }>).map((op) => op.operationId),
    );
    expect(new Set(ids).size).toBe(ids.length);
  });
});
