// `paperboy ingest` as an operator runs it: a child process, JSON on stdout,
// the exit code telling success from failure.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseIngestArgs } from '../../src/cli/ingest.js';
import { createTestEnv, type TestEnv } from '../helpers/context.js';
import { FixtureServer, readFixture, send } from '../papers/fixture-server.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
let env: TestEnv;
let server: FixtureServer;

beforeAll(async () => {
  server = await new FixtureServer().start();
  env = await createTestEnv();
});
afterAll(async () => {
  await env.cleanup();
  await server.stop();
});

function paperboy(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const childEnv = {
    PATH: process.env.PATH,
    NODE_ENV: 'test',
    DATABASE_URL: env.config.databaseUrl,
    HF_BASE_URL: server.url,
    LOG_LEVEL: 'warn',
  };
  return new Promise((resolve) => {
    execFile(
      'node',
      ['bin/paperboy.js', 'ingest', ...args],
      { cwd: root, env: childEnv, timeout: 55_000 },
      (error, stdout, stderr) => {
        resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
      },
    );
  });
}

describe('paperboy ingest', () => {
  // Child processes start tsx cold: slow on a busy two-core machine.
  it('ingests the sample file and prints the summary', { timeout: 60_000 }, async () => {
    const run = await paperboy(['--source', 'file', '--file', 'data/sample/daily-papers.json']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({
      source: 'file',
      fetched: 59,
      created: 59,
      updated: 0,
      unchanged: 0,
      skipped: [],
    });
    expect(await env.ctx.db.paper.count()).toBe(59);
  });

  it('exits 1 with a clear message when the source fails, storing nothing', { timeout: 60_000 }, async () => {
    server.handler = (_req, res) => send(res, 200, 'text/html', readFixture('html-error-page.html'));
    const run = await paperboy(['--source', 'hf', '--date', '2025-09-08']);
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout)).toEqual({
      source: 'hf',
      error: {
        code: 'html',
        message: expect.stringMatching(/^Hugging Face daily papers 2025-09-08 page 0: got an HTML page/),
      },
    });
    expect(run.stderr).toMatch(/paperboy ingest: Hugging Face daily papers/);
    expect(await env.ctx.db.paper.count()).toBe(59);
  });
});

describe('parseIngestArgs', () => {
  it('maps flags to a request or a usage error', () => {
    expect(parseIngestArgs(['--source', 'hf', '--date', '2025-09-08'])).toEqual({ source: 'hf', date: '2025-09-08' });
    expect(parseIngestArgs(['--source', 'hf', '--period', '2025-09-08'])).toEqual({ source: 'hf', date: '2025-09-08' });
    expect(parseIngestArgs(['--source', 'arxiv', '--query', 'cat:cs.CL', '--limit', '50'])).toEqual({
      source: 'arxiv',
      query: 'cat:cs.CL',
      maxResults: 50,
    });
    expect(parseIngestArgs(['--source', 'file'])).toMatch(/needs --file/);
    expect(parseIngestArgs(['--source', 'rss'])).toMatch(/must be hf, arxiv or file/);
    expect(parseIngestArgs(['--source', 'hf', '--bogus'])).toMatch(/Unknown option/);
    expect(parseIngestArgs(['--source', 'arxiv', '--limit', '0'])).toMatch(/positive integer/);
  });
});
