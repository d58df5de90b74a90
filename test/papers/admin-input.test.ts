// What POST /api/admin/papers will call: one paper or an array, validated.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_MAX_PAPERS, ingestPaperInput, parseAdminBody } from '../../src/papers/admin-input.js';
import { IngestError } from '../../src/papers/ingest-error.js';
import { createTestEnv, type TestEnv } from '../helpers/context.js';
import { readFixture } from './fixture-server.js';

let env: TestEnv;
beforeAll(async () => {
  env = await createTestEnv();
});
afterAll(() => env.cleanup());

describe('ingestPaperInput', () => {
  it('upserts one paper in Paperboy shape', async () => {
    const summary = await ingestPaperInput(env.ctx.db, {
      arxivId: 'arXiv:2501.00663v2',
      title: 'Titans: Learning to <Memorize> at Test Time',
      authors: ['Ali Behrouz'],
      categories: ['cs.LG'],
      upvotes: 4,
      publishedAt: '2024-12-31',
    });
    expect(summary).toEqual({ source: 'admin', fetched: 1, created: 1, updated: 0, unchanged: 0, skipped: [] });
    const row = await env.ctx.db.paper.findUniqueOrThrow({ where: { key: '2501.00663' } });
    expect(row).toMatchObject({ title: 'Titans: Learning to <Memorize> at Test Time', upvotes: 4, source: 'admin' });
    expect(row.publishedAt?.toISOString()).toBe('2024-12-31T00:00:00.000Z');
  });

  it('takes an array mixing shapes, keeps stored upvotes when left out, and skips bad items', async () => {
    const hfItem = (JSON.parse(readFixture('hf/daily-papers-2025-09-08.json')) as unknown[])[0];
    const summary = await ingestPaperInput(env.ctx.db, [
      { arxivId: '2501.00663', title: 'Titans: Learning to Memorize at Test Time' },
      hfItem,
      { title: '' },
      { title: 'Unknown field', colour: 'blue' },
      { title: 'Script link', githubRepo: 'javascript:alert(1)' },
      null,
    ]);
    expect(summary).toMatchObject({ fetched: 6, created: 1, updated: 1 });
    expect(summary.skipped.map((s) => s.index)).toEqual([2, 3, 4, 5]);
    expect(summary.skipped[0]!.reason).toMatch(/^title: /);
    expect(summary.skipped[1]!.reason).toMatch(/colour/);
    expect(summary.skipped[2]!.reason).toMatch(/^githubRepo: /);
    const titans = await env.ctx.db.paper.findUniqueOrThrow({ where: { key: '2501.00663' } });
    expect(titans).toMatchObject({
      title: 'Titans: Learning to Memorize at Test Time',
      upvotes: 4,
      authors: ['Ali Behrouz'],
    });
    expect(await env.ctx.db.paper.count({ where: { key: '2509.04664', upvotes: 182 } })).toBe(1);
  });

  it('refuses a body that is not a paper or an array, or too many papers, storing nothing', async () => {
    const before = await env.ctx.db.paper.count();
    for (const body of ['text', 42, null]) {
      await expect(ingestPaperInput(env.ctx.db, body)).rejects.toMatchObject({ code: 'invalid_input' });
    }
    const many = Array.from({ length: ADMIN_MAX_PAPERS + 1 }, (_, i) => ({ title: `Paper ${i}` }));
    await expect(ingestPaperInput(env.ctx.db, many)).rejects.toBeInstanceOf(IngestError);
    expect(await env.ctx.db.paper.count()).toBe(before);
  });

  it('parses without a database for routes that validate first', () => {
    expect(parseAdminBody([]).fetched).toBe(0);
  });
});
