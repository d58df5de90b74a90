// Whole ingest runs against real Postgres, with the sources served by a local
// HTTP server from recorded fixtures.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { IngestError } from '../../src/papers/ingest-error.js';
import { ingestPapers, type IngestDeps, type IngestRequest } from '../../src/papers/ingest.js';
import { searchPapers } from '../../src/papers/paper-repo.js';
import { titleKey } from '../../src/papers/paper.js';
import { createTestEnv, type TestEnv } from '../helpers/context.js';
import { BILLION_LAUGHS, FixtureServer, readFixture, send } from './fixture-server.js';

const DAY = '2025-09-08';
type HfItem = { paper: Record<string, unknown> } & Record<string, unknown>;
const recordedDay = () => JSON.parse(readFixture('hf/daily-papers-2025-09-08.json')) as HfItem[];

let server: FixtureServer;
let env: TestEnv;
let deps: IngestDeps;

beforeAll(async () => {
  server = await new FixtureServer().start();
  env = await createTestEnv({ HF_BASE_URL: server.url, ARXIV_BASE_URL: server.url });
  deps = {
    db: env.ctx.db,
    config: env.config,
    fetch: { timeoutMs: 400, retries: 1, retryDelayMs: 5, maxBytes: 64 * 1024 },
  };
});
afterAll(async () => {
  await env.cleanup();
  await server.stop();
});
beforeEach(() => {
  server.reset();
  server.hfDays.set(DAY, recordedDay());
});

const hf = (extra: Partial<Extract<IngestRequest, { source: 'hf' }>> = {}): IngestRequest => ({
  source: 'hf',
  date: DAY,
  pageSize: 2,
  ...extra,
});
const arxiv: IngestRequest = { source: 'arxiv', query: 'cat:cs.LG', maxResults: 10, pageDelayMs: 0 };
const snapshot = () => env.ctx.db.paper.findMany({ orderBy: { key: 'asc' } });

async function failure(request: IngestRequest): Promise<IngestError> {
  const error = await ingestPapers(deps, request).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof IngestError)) throw new Error(`expected an IngestError, got ${String(error)}`);
  return error;
}

describe('ingest from Hugging Face', () => {
  it('reads every page and creates the papers', async () => {
    const summary = await ingestPapers(deps, hf());
    expect(summary).toEqual({ source: 'hf', fetched: 5, created: 5, updated: 0, unchanged: 0, skipped: [] });
    expect(server.requests.map((r) => [r.path, r.query])).toEqual(
      [0, 1, 2].map((p) => ['/api/daily_papers', { date: DAY, limit: '2', p: String(p) }]),
    );
    expect(server.requests[0]!.userAgent).toBe('Paperboy/0.1 (+https://paperboy.test)');
    const stored = await env.ctx.db.paper.findUniqueOrThrow({ where: { key: '2509.04664' } });
    expect(stored).toMatchObject({ arxivId: '2509.04664', upvotes: 182, authorCount: 4, source: 'hf', hidden: false });
    expect(stored.abstract).toMatch(/^Like students facing hard exam questions, large language models sometimes guess/);
  });

  it('re-running changes nothing but upvotes, and never moves firstSeenAt', async () => {
    const before = await snapshot();
    const again = await ingestPapers(deps, hf());
    expect(again).toMatchObject({ fetched: 5, created: 0, updated: 0, unchanged: 5 });
    expect(await snapshot()).toEqual(before);

    const day = recordedDay();
    day[1]!.paper.upvotes = 99;
    server.hfDays.set(DAY, day);
    const bumped = await ingestPapers(deps, hf());
    expect(bumped).toMatchObject({ created: 0, updated: 1, unchanged: 4 });
    const after = await snapshot();
    expect(after).toHaveLength(before.length);
    after.forEach((row, i) => {
      const old = before[i]!;
      expect(row.firstSeenAt).toEqual(old.firstSeenAt);
      if (row.key === '2501.00663') {
        expect(row.upvotes).toBe(99);
        expect(row.updatedAt.getTime()).toBeGreaterThan(old.updatedAt.getTime());
      }
      expect({ ...row, upvotes: 0, updatedAt: null }).toEqual({ ...old, upvotes: 0, updatedAt: null });
    });
  });

  it('skips malformed items with reasons, stores the rest, and reports in-run duplicates', async () => {
    const day = recordedDay().slice(0, 2);
    const extra = { ...day[0]!, paper: { ...day[0]!.paper, id: '2509.00001', title: 'A new paper' } };
    server.hfDays.set('2025-09-09', [extra, { paper: { id: '2509.00002' } }, 42, extra]);
    const summary = await ingestPapers(deps, hf({ date: '2025-09-09', pageSize: 100 }));
    expect(summary).toMatchObject({ fetched: 4, created: 1, updated: 0, unchanged: 0 });
    expect(summary.skipped).toEqual([
      { index: 1, id: '2509.00002', reason: 'missing title' },
      { index: 2, reason: expect.stringMatching(/expected object/) },
      { index: 3, id: '2509.00001', reason: 'duplicate of item 0 in this run' },
    ]);
    expect(await env.ctx.db.paper.count({ where: { key: '2509.00001' } })).toBe(1);
  });
});

describe('ingest from arXiv', () => {
  it('queries newest first, adds new papers and merges known ones without losing upvotes', async () => {
    const summary = await ingestPapers(deps, arxiv);
    expect(summary).toEqual({ source: 'arxiv', fetched: 3, created: 2, updated: 1, unchanged: 0, skipped: [] });
    expect(server.requests[0]!.query).toEqual({
      search_query: 'cat:cs.LG',
      start: '0',
      max_results: '10',
      sortBy: 'submittedDate',
      sortOrder: 'descending',
    });
    const titans = await env.ctx.db.paper.findUniqueOrThrow({ where: { key: '2501.00663' } });
    // Categories came from arXiv; upvotes, organisation and the first source stayed.
    expect(titans).toMatchObject({
      categories: ['cs.LG', 'cs.AI', 'cs.CL'],
      upvotes: 99,
      organization: 'Google',
      source: 'hf',
    });
    const tables = await env.ctx.db.paper.findUniqueOrThrow({ where: { key: '2409.01234' } });
    expect(tables.title).toBe(
      'Tables & Text: Retrieval over <b>Heterogeneous</b> Sources with "Hybrid" Indexes — a Benchmark',
    );
    expect(tables.source).toBe('arxiv');
    expect(await ingestPapers(deps, arxiv)).toMatchObject({ created: 0, updated: 0, unchanged: 3 });
  });
});

describe('a malformed document fails the run and leaves the database exactly as before', () => {
  const hfCases: Array<[string, (url: URL) => string | undefined, string]> = [
    ['invalid JSON', () => '[{"paper": {"id": "2509.11111", "title": "x"}', 'invalid_json'],
    ['an HTML error page served with 200', () => readFixture('html-error-page.html'), 'html'],
    ['the wrong shape', () => '{"data": []}', 'wrong_shape'],
    ['an empty body', () => '', 'empty'],
    [
      'a body over the size cap',
      () => JSON.stringify(Array.from({ length: 400 }, () => recordedDay()[0])),
      'too_large',
    ],
  ];

  it.each(hfCases)('Hugging Face: %s', async (_name, body, code) => {
    const before = await snapshot();
    server.handler = (_req, res, url) => send(res, 200, 'application/json', body(url)!);
    const error = await failure(hf());
    expect(error.code).toBe(code);
    expect(error.message).toMatch(/^Hugging Face daily papers/);
    expect(await snapshot()).toEqual(before);
  });

  it('Hugging Face: a 5xx, after retries', async () => {
    const before = await snapshot();
    server.handler = (_req, res) => send(res, 503, 'text/html', readFixture('html-error-page.html'));
    const error = await failure(hf());
    expect(error).toMatchObject({ code: 'http_status', transient: true });
    expect(error.message).toMatch(/answered HTTP 503 \(after 2 attempts\)/);
    expect(await snapshot()).toEqual(before);
  });

  it('Hugging Face: a timeout', async () => {
    const before = await snapshot();
    server.handler = () => {};
    expect((await failure(hf())).code).toBe('timeout');
    expect(await snapshot()).toEqual(before);
  });

  it('Hugging Face: a good first page then a broken second one stores nothing from the first', async () => {
    const day = recordedDay().map((item, i) => ({ ...item, paper: { ...item.paper, id: `2509.2000${i}` } }));
    server.hfDays.set('2025-09-10', day);
    const before = await snapshot();
    server.handler = (req, res, url) =>
      url.searchParams.get('p') === '0'
        ? server.fixtures(req, res, url)
        : send(res, 200, 'application/json', '{"error": "Internal"}');
    const error = await failure(hf({ date: '2025-09-10' }));
    expect(error.code).toBe('upstream_error');
    expect(error.message).toMatch(/page 1: the API answered an error: Internal/);
    expect(await snapshot()).toEqual(before);
  });

  const arxivCases: Array<[string, string, string]> = [
    ['invalid XML', readFixture('arxiv/query-cs-lg.xml').replace('</entry>', ''), 'invalid_xml'],
    ['a billion-laughs document', BILLION_LAUGHS, 'unsafe_xml'],
    ['an arXiv error feed', readFixture('arxiv/error-feed.xml'), 'upstream_error'],
    ['an HTML page', readFixture('html-error-page.html'), 'html'],
    ['an empty body', '', 'empty'],
    ['JSON instead of Atom', '[]', 'invalid_xml'],
  ];

  it.each(arxivCases)('arXiv: %s', async (_name, body, code) => {
    const before = await snapshot();
    server.arxivFeed = body;
    try {
      const error = await failure(arxiv);
      expect(error.code).toBe(code);
      expect(error.message).toMatch(/^arXiv API/);
    } finally {
      server.arxivFeed = readFixture('arxiv/query-cs-lg.xml');
    }
    expect(await snapshot()).toEqual(before);
  });
});

describe('atomic writes', () => {
  it('rolls back the updates already made when a later statement of the run fails', async () => {
    // A row written outside ingest holds an arXiv id under another key: inserting that id must fail.
    await env.ctx.db.paper.create({
      data: { key: 'manual-1', arxivId: '2509.40000', title: 'Manual', source: 'admin' },
    });
    const day = recordedDay();
    day[0]!.paper.upvotes = 5000;
    day.push({ paper: { id: '2509.40000', title: 'Clashing id', upvotes: 1 } });
    server.hfDays.set(DAY, day);
    const before = await snapshot();
    await expect(ingestPapers(deps, hf({ pageSize: 100 }))).rejects.toThrow();
    expect(await snapshot()).toEqual(before);
    await env.ctx.db.paper.delete({ where: { key: 'manual-1' } });
  });
});

describe('keys', () => {
  it('gives a title-keyed paper its arXiv id when it comes back with one, without a second row', async () => {
    server.hfDays.set('2025-09-11', [{ paper: { title: 'Context-Aware Attention  Layers', upvotes: 1 } }]);
    await ingestPapers(deps, hf({ date: '2025-09-11' }));
    const first = await env.ctx.db.paper.findUniqueOrThrow({
      where: { key: titleKey('Context-Aware Attention Layers') },
    });
    server.hfDays.set('2025-09-11', [
      { paper: { id: '2511.00042', title: 'Context-Aware Attention Layers', upvotes: 5 } },
    ]);
    const summary = await ingestPapers(deps, hf({ date: '2025-09-11' }));
    expect(summary).toMatchObject({ created: 0, updated: 1 });
    const adopted = await env.ctx.db.paper.findUniqueOrThrow({ where: { id: first.id } });
    expect(adopted).toMatchObject({
      key: '2511.00042',
      arxivId: '2511.00042',
      upvotes: 5,
      firstSeenAt: first.firstSeenAt,
    });
    expect(await env.ctx.db.paper.count({ where: { title: 'Context-Aware Attention Layers' } })).toBe(1);
  });

  it('survives two runs of the same papers at once without duplicates', async () => {
    const day = recordedDay().map((item, i) => ({ ...item, paper: { ...item.paper, id: `2509.3000${i}` } }));
    server.hfDays.set('2025-09-12', day);
    const [a, b] = await Promise.all([
      ingestPapers(deps, hf({ date: '2025-09-12' })),
      ingestPapers(deps, hf({ date: '2025-09-12' })),
    ]);
    expect(a.created + b.created).toBe(5);
    expect(await env.ctx.db.paper.count({ where: { key: { startsWith: '2509.3000' } } })).toBe(5);
  });
});

describe('searchPapers', () => {
  it('finds papers by stemmed words and phrases in title and abstract', async () => {
    const hits = await searchPapers(env.ctx.db, 'hallucination');
    expect(hits.map((h) => h.key)).toContain('2509.04664');
    expect((await searchPapers(env.ctx.db, '"sparse attention"')).map((h) => h.key)).toContain('2502.11089');
    expect(await searchPapers(env.ctx.db, 'hallucination', { minUpvotes: 1000 })).toEqual([]);
    expect(await searchPapers(env.ctx.db, 'hallucination', { since: new Date(Date.now() + 60_000) })).toEqual([]);
    expect(await searchPapers(env.ctx.db, '  ')).toEqual([]);
    expect(await searchPapers(env.ctx.db, `'"):&|!<-> OR`)).toEqual([]);
  });
});
