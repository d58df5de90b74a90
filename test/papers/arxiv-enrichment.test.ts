// Enrichment against real Postgres and a local arXiv API serving Atom in the
// real format. Time is virtual: the clock records when each request went out,
// so the 3 s spacing is asserted exactly and costs no wall time.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { ARXIV_MIN_GAP_MS, enrichPapers, type EnrichDeps } from '../../src/papers/arxiv-enrichment.js';
import { ingestPapers } from '../../src/papers/ingest.js';
import { buildPaper, type PaperFields, type PaperRecord } from '../../src/papers/paper.js';
import { upsertPapers } from '../../src/papers/paper-repo.js';
import type { TestEnv } from '../helpers/context.js';
import { VirtualClock } from '../helpers/virtual-clock.js';
import { arxivEntry, createSourceEnv, type FixtureServer, readFixture, send } from './fixture-server.js';

let env: TestEnv;
let server: FixtureServer;
let cleanup: () => Promise<void>;
let clock: VirtualClock;
/** Virtual time and asked ids of each request that reached the server. */
let seen: Array<{ at: number; ids: string[] }>;

beforeAll(async () => {
  ({ env, server, cleanup } = await createSourceEnv());
});
afterAll(() => cleanup());
beforeEach(async () => {
  server.reset();
  clock = new VirtualClock();
  seen = [];
  respondWith(server.fixtures);
  await env.ctx.db.paper.deleteMany();
});

/** Serves with `handler`, recording each request's virtual time and ids. */
function respondWith(handler: FixtureServer['handler']): void {
  server.handler = (req, res, url) => {
    if (url.pathname === '/api/query')
      seen.push({ at: clock.now(), ids: (url.searchParams.get('id_list') ?? '').split(',') });
    handler(req, res, url);
  };
}

function deps(overrides: Partial<EnrichDeps> = {}): EnrichDeps {
  return { db: env.ctx.db, config: env.config, clock, fetch: { timeoutMs: 2000 }, ...overrides };
}

function buildOk(fields: PaperFields): PaperRecord {
  const built = buildPaper(fields);
  if (!built.ok) throw new Error(built.reason);
  return built.paper;
}

async function ingestHfFixture(): Promise<void> {
  server.hfDays.set('2025-09-08', JSON.parse(readFixture('hf/daily-papers-2025-09-08.json')) as unknown[]);
  await ingestPapers({ db: env.ctx.db, config: env.config }, { source: 'hf', date: '2025-09-08' });
}

const stored = () =>
  env.ctx.db.paper.findMany({
    orderBy: { id: 'asc' },
    select: { arxivId: true, categories: true, authors: true, enrichedAt: true },
  });

describe('enrichment from the arXiv API', () => {
  it('fills categories and author names of Hugging Face papers, and asks once', async () => {
    await ingestHfFixture();
    // The sample data set carries no names: enrichment must bring them.
    await env.ctx.db.paper.update({ where: { arxivId: '2501.00663' }, data: { authors: [] } });
    expect((await stored()).every((p) => p.categories.length === 0)).toBe(true);

    const summary = await enrichPapers(deps());

    expect(summary).toEqual({ asked: 5, enriched: 5, unknown: 0, requests: 1 });
    expect(seen[0]!.ids.sort()).toEqual(['2412.06769', '2501.00663', '2501.12948', '2502.11089', '2509.04664']);
    const papers = new Map((await stored()).map((p) => [p.arxivId, p]));
    expect(papers.get('2501.00663')).toMatchObject({
      categories: ['cs.LG', 'cs.AI', 'cs.CL'],
      authors: ['Ali Behrouz', 'Peilin Zhong', 'Vahab Mirrokni'],
    });
    expect(papers.get('2509.04664')?.categories).toEqual(['cs.CL', 'cs.AI']);
    expect(papers.get('2509.04664')?.authors).toEqual([
      'Adam Tauman Kalai',
      'Ofir Nachum',
      'Santosh S. Vempala',
      'Edwin Zhang',
    ]);
    expect([...papers.values()].every((p) => p.enrichedAt !== null)).toBe(true);

    // Idempotent: nothing waits any more, so a second run asks arXiv nothing.
    expect(await enrichPapers(deps())).toEqual({ asked: 0, enriched: 0, unknown: 0, requests: 0 });
    expect(seen).toHaveLength(1);
  });

  it('marks an id arXiv does not answer for, so it is not asked about again', async () => {
    await ingestHfFixture();
    server.arxivEntries.delete('2412.06769');
    expect(await enrichPapers(deps())).toEqual({ asked: 5, enriched: 4, unknown: 1, requests: 1 });
    const missing = (await stored()).find((p) => p.arxivId === '2412.06769')!;
    expect(missing.categories).toEqual([]);
    expect(missing.enrichedAt).not.toBeNull();
    expect((await enrichPapers(deps())).requests).toBe(0);
  });

  it('splits more than 100 ids into batches of at most 100, at least 3 s apart', async () => {
    const papers: PaperRecord[] = [];
    for (let i = 1; i <= 250; i++) {
      const id = `2509.${String(i).padStart(5, '0')}`;
      papers.push(buildOk({ arxivId: id, title: `Batch paper ${i}` }));
      server.arxivEntries.set(
        id,
        arxivEntry({ id, title: `Batch paper ${i}`, authors: [`Author ${i}`], categories: ['stat.ML', 'cs.LG'] }),
      );
    }
    await upsertPapers(env.ctx.db, papers, 'hf');

    const summary = await enrichPapers(deps());

    expect(summary).toEqual({ asked: 250, enriched: 250, unknown: 0, requests: 3 });
    expect(seen.map((request) => request.ids.length)).toEqual([100, 100, 50]);
    expect(new Set(seen.flatMap((request) => request.ids)).size).toBe(250);
    expect(seen.map((request) => request.at)).toEqual([0, ARXIV_MIN_GAP_MS, 2 * ARXIV_MIN_GAP_MS]);
    const rows = await stored();
    expect(rows.every((p) => p.categories.join() === 'stat.ML,cs.LG')).toBe(true);
    expect(rows.find((p) => p.arxivId === '2509.00250')?.authors).toEqual(['Author 250']);
  });

  it('keeps the gap from one run to the next', async () => {
    await ingestHfFixture();
    await enrichPapers(deps({ batchSize: 3 }));
    await upsertPapers(env.ctx.db, [buildOk({ arxivId: '2509.00001', title: 'Stored after the first run' })], 'hf');
    server.arxivEntries.set(
      '2509.00001',
      arxivEntry({
        id: '2509.00001',
        title: 'Stored after the first run',
        authors: ['A. Author'],
        categories: ['cs.CL'],
      }),
    );
    await enrichPapers(deps());
    expect(seen.map((request) => request.at)).toEqual([0, 3000, 6000]);
  });

  it('keeps the configured gap when it is longer than 3 s', async () => {
    await ingestHfFixture();
    const config = { ...env.config, arxivRequestGapMs: 10_000 };
    await enrichPapers(deps({ config, batchSize: 2 }));
    expect(seen.map((request) => request.at)).toEqual([0, 10_000, 20_000]);
  });

  it('retries a 503 with backoff that never comes closer than the gap', async () => {
    await ingestHfFixture();
    let failures = 2;
    respondWith((req, res, url) =>
      failures-- > 0 ? send(res, 503, 'text/plain', 'Service Unavailable') : server.fixtures(req, res, url),
    );

    const summary = await enrichPapers(deps());

    expect(summary).toMatchObject({ asked: 5, enriched: 5, requests: 3 });
    // First try, then 3 s and 6 s of backoff.
    expect(seen.map((request) => request.at)).toEqual([0, 3000, 9000]);
    expect((await stored()).every((p) => p.categories.length > 0)).toBe(true);
  });

  it('gives up after its retries, storing nothing for that batch', async () => {
    await ingestHfFixture();
    respondWith((_req, res) => send(res, 503, 'text/plain', 'Service Unavailable'));
    await expect(enrichPapers(deps({ retries: 2 }))).rejects.toMatchObject({ name: 'IngestError', transient: true });
    expect(seen).toHaveLength(3);
    expect((await stored()).every((p) => p.categories.length === 0 && p.enrichedAt === null)).toBe(true);
  });

  it('stores nothing half-way when a response is malformed', async () => {
    await ingestHfFixture();
    let requests = 0;
    // The first batch of three is answered well; the second is cut off mid-entry.
    respondWith((req, res, url) => {
      requests += 1;
      if (requests === 1) return server.fixtures(req, res, url);
      const body = readFixture('arxiv/id-list-hf-2025-09-08.xml');
      send(res, 200, 'application/atom+xml', body.slice(0, body.indexOf('</entry>') + 20));
    });

    await expect(enrichPapers(deps({ batchSize: 3 }))).rejects.toMatchObject({
      name: 'IngestError',
      code: 'invalid_xml',
    });

    const rows = await stored();
    const enriched = rows.filter((p) => p.enrichedAt !== null);
    expect(enriched).toHaveLength(3);
    expect(enriched.every((p) => p.categories.length > 0)).toBe(true);
    expect(rows.filter((p) => p.enrichedAt === null).every((p) => p.categories.length === 0)).toBe(true);
    // A later run picks up exactly the two that are left.
    respondWith(server.fixtures);
    expect(await enrichPapers(deps())).toMatchObject({ asked: 2, enriched: 2 });
  });

  it('refuses a configured gap under 3 s, naming the variable', () => {
    expect(() => loadConfig({ NODE_ENV: 'test', ARXIV_REQUEST_GAP_MS: '1000' })).toThrow(/ARXIV_REQUEST_GAP_MS/);
  });
});
