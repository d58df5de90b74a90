// Hostile documents for the ingest parsers (Hugging Face JSON, arXiv Atom,
// local files) and for whole ingest runs over HTTP. A parser may only answer
// with a batch or its own IngestError, never anything else, within a time
// bound; a failed run stores nothing; what is stored is plain, capped text.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAtomDocument } from '../../src/papers/arxiv-source.js';
import { readPaperFile } from '../../src/papers/file-source.js';
import { parseHfDocument } from '../../src/papers/hf-source.js';
import { IngestError, type IngestErrorCode } from '../../src/papers/ingest-error.js';
import { ingestPapers, type IngestDeps, type IngestRequest } from '../../src/papers/ingest.js';
import { LIMITS } from '../../src/papers/paper.js';
import type { SourceBatch } from '../../src/papers/source-batch.js';
import { createTestEnv, type TestEnv } from '../helpers/context.js';
import { FixtureServer, send } from '../papers/fixture-server.js';
import { BILLION_LAUGHS, IMG_XSS, SQL_OR, XSS, XXE, expectPrototypeClean, snapshotTables } from './hostile-support.js';

interface ParserCase {
  name: string;
  parser: 'hf' | 'atom';
  input: string;
  /** The IngestError code the whole document must fail with… */
  error?: IngestErrorCode;
  /** …or what the batch holds. */
  papers?: number;
  skipped?: number;
  check?: (batch: SourceBatch) => void;
}

const hfItem = (paper: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  paper: { id: '2501.00001', title: 'A title', ...paper },
  ...extra,
});
const hfDoc = (...items: unknown[]) => JSON.stringify(items);
const atomDoc = (entries: string) =>
  `<?xml version="1.0" encoding="UTF-8"?><feed xmlns="http://www.w3.org/2005/Atom">${entries}</feed>`;
const atomEntry = (id: string, title: string, extra = '') =>
  `<entry><id>${id}</id><title>${title}</title><summary>S</summary>${extra}</entry>`;

const CONTROL_CHARS = /[\u0000-\u0008\u000e-\u001f\u007f]/;

function expectPlainPapers(batch: SourceBatch): void {
  for (const { paper } of batch.papers) {
    expect(paper.title).not.toMatch(CONTROL_CHARS);
    expect(paper.title).not.toMatch(/[\r\n]/);
    expect(paper.title.length).toBeLessThanOrEqual(LIMITS.title);
    expect(paper.abstract.length).toBeLessThanOrEqual(LIMITS.abstract);
    for (const url of [paper.url, paper.pdfUrl, paper.githubRepo, paper.projectPage, paper.thumbnail]) {
      if (url !== null) expect(url).toMatch(/^https?:\/\//);
    }
    if (paper.arxivId !== null) expect(paper.arxivId).toMatch(/^(\d{4}\.\d{4,5}|[a-z][a-z.-]*\/\d{7})$/i);
  }
}

const hfCases: ParserCase[] = [
  { name: 'HF: truncated JSON', parser: 'hf', input: '[{"paper":', error: 'invalid_json' },
  {
    name: 'HF: an HTML login page with status 200',
    parser: 'hf',
    input: '<!DOCTYPE html><html><body><script>alert(1)</script>Sign in</body></html>',
    error: 'html',
  },
  { name: 'HF: only whitespace', parser: 'hf', input: ' \r\n\t ', error: 'empty' },
  {
    name: 'HF: an error object with CR/LF',
    parser: 'hf',
    input: '{"error":"Rate limited\\r\\nX-Injected: 1"}',
    error: 'upstream_error',
  },
  { name: 'HF: null', parser: 'hf', input: 'null', error: 'wrong_shape' },
  { name: 'HF: a giant number', parser: 'hf', input: '1e309', error: 'wrong_shape' },
  { name: 'HF: billion-laughs XML', parser: 'hf', input: BILLION_LAUGHS, error: 'invalid_json' },
  {
    name: 'HF: 10,000 nested arrays',
    parser: 'hf',
    input: '['.repeat(10_000) + ']'.repeat(10_000),
    papers: 0,
    skipped: 1,
  },
  {
    name: 'HF: 10,000 nested objects inside an item',
    parser: 'hf',
    input: `[{"paper":${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}}]`,
    papers: 0,
    skipped: 1,
  },
  {
    name: 'HF: __proto__ and constructor keys in items',
    parser: 'hf',
    input:
      '[{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}},"paper":{"id":"2501.00001","title":"T","__proto__":{"isAdmin":true}}}]',
    papers: 1,
    check: () => expectPrototypeClean(),
  },
  {
    name: 'HF: upvotes 1e308, -1, "7" and 2^53',
    parser: 'hf',
    input: hfDoc(
      hfItem({ upvotes: 1e308 }),
      hfItem({ upvotes: -1 }),
      hfItem({ upvotes: '7' }),
      hfItem({ upvotes: 2 ** 53 }),
    ),
    papers: 0,
    skipped: 4,
  },
  {
    name: 'HF: SQL, path traversal, script and NUL ids',
    parser: 'hf',
    input: hfDoc(
      hfItem({ id: SQL_OR }),
      hfItem({ id: '../../etc/passwd' }),
      hfItem({ id: XSS }),
      hfItem({ id: '2501.00001\u0000' }),
    ),
    papers: 0,
    skipped: 4,
  },
  {
    name: 'HF: NUL, CR/LF, C1 controls and a 1 MB title',
    parser: 'hf',
    input: hfDoc(
      hfItem({ title: 'Line\r\nBcc: victim@evil.test\u0000\u0007\u009b', summary: `a\u0000b${'x'.repeat(50_000)}` }),
      hfItem({ id: '2501.00002', title: 'T'.repeat(1_000_000) }),
    ),
    papers: 2,
    check: (batch) => {
      expect(batch.papers[0]!.paper.title).toBe('Line Bcc: victim@evil.test');
      expect(batch.papers[1]!.paper.title.length).toBe(LIMITS.title);
    },
  },
  {
    name: 'HF: script and img-onerror titles are kept as text',
    parser: 'hf',
    input: hfDoc(hfItem({ title: `${XSS}${IMG_XSS}` })),
    papers: 1,
    check: (batch) => expect(batch.papers[0]!.paper.title).toBe(`${XSS}${IMG_XSS}`),
  },
  {
    name: 'HF: javascript:, data: and file: URLs are dropped',
    parser: 'hf',
    input: hfDoc(
      hfItem(
        { githubRepo: 'javascript:alert(1)', projectPage: 'data:text/html,<script>alert(1)</script>' },
        { thumbnail: 'file:///etc/passwd' },
      ),
    ),
    papers: 1,
    check: (batch) =>
      expect(batch.papers[0]!.paper).toMatchObject({ githubRepo: null, projectPage: null, thumbnail: null }),
  },
  {
    name: 'HF: 100,000 authors and lone surrogates',
    parser: 'hf',
    input: hfDoc(
      hfItem({
        title: 'Broken \ud800 surrogate',
        authors: Array.from({ length: 100_000 }, (_, i) => ({ name: `A${i}` })),
      }),
    ),
    papers: 1,
    check: (batch) => {
      expect(batch.papers[0]!.paper.authors).toHaveLength(LIMITS.authors);
      expect(batch.papers[0]!.paper.title).toBe('Broken \uFFFD surrogate');
    },
  },
  { name: 'HF: a BOM before the array', parser: 'hf', input: `\ufeff${hfDoc(hfItem({}))}`, error: 'invalid_json' },
];

const atomCases: ParserCase[] = [
  { name: 'Atom: billion laughs', parser: 'atom', input: BILLION_LAUGHS, error: 'unsafe_xml' },
  { name: 'Atom: external entity (XXE) to /etc/passwd', parser: 'atom', input: XXE, error: 'unsafe_xml' },
  {
    name: 'Atom: external parameter entity',
    parser: 'atom',
    input:
      '<?xml version="1.0"?><!DOCTYPE feed [<!ENTITY % remote SYSTEM "http://evil.test/x.dtd"> %remote;]><feed xmlns="http://www.w3.org/2005/Atom"/>',
    error: 'unsafe_xml',
  },
  {
    name: 'Atom: lower-case doctype and entity',
    parser: 'atom',
    input: '<?xml version="1.0"?><!doctype feed [<!entity x "y">]><feed/>',
    error: 'unsafe_xml',
  },
  {
    name: 'Atom: a DOCTYPE after 100 KB of comment',
    parser: 'atom',
    input: `<?xml version="1.0"?><!--${' '.repeat(100_000)}--><!DOCTYPE feed SYSTEM "file:///etc/passwd"><feed/>`,
    error: 'unsafe_xml',
  },
  {
    name: 'Atom: unclosed tags',
    parser: 'atom',
    input: '<feed><entry><id>2501.00001</id><title>T</entry>',
    error: 'invalid_xml',
  },
  {
    name: 'Atom: 10,000 nested elements',
    parser: 'atom',
    input: `<feed>${'<a>'.repeat(10_000)}${'</a>'.repeat(10_000)}</feed>`,
    error: 'invalid_xml',
  },
  {
    name: 'Atom: NUL and invalid characters',
    parser: 'atom',
    input: atomDoc(atomEntry('http://arxiv.org/abs/2501.00001v1', 'A\u0000B\u0001C')),
    papers: 1,
    check: (b) => expect(b.papers[0]!.paper.title).toBe('ABC'),
  },
  {
    name: 'Atom: an RSS document',
    parser: 'atom',
    input: '<?xml version="1.0"?><rss><channel><item><title>T</title></item></channel></rss>',
    error: 'wrong_shape',
  },
  {
    name: 'Atom: an HTML error page',
    parser: 'atom',
    input: '<html><head><title>502</title></head><body>Bad gateway</body></html>',
    error: 'html',
  },
  {
    name: 'Atom: script in CDATA and as entities stays text',
    parser: 'atom',
    input: atomDoc(
      atomEntry('http://arxiv.org/abs/2501.00001v1', `<![CDATA[${XSS}]]>`) +
        atomEntry('http://arxiv.org/abs/2501.00002v1', '&lt;img src=x onerror=alert(1)&gt; &amp;lt;b&amp;gt;'),
    ),
    papers: 2,
    check: (b) => {
      expect(b.papers[0]!.paper.title).toContain('<script>alert(1)</script>');
      expect(b.papers[1]!.paper.title).toBe('<img src=x onerror=alert(1)> &lt;b&gt;');
    },
  },
  {
    name: 'Atom: character references out of range, surrogates and NUL',
    parser: 'atom',
    input: atomDoc(atomEntry('http://arxiv.org/abs/2501.00001v1', 'A&#x110000;B&#xD800;C&#0;D&#99999999999;E')),
    papers: 1,
  },
  {
    name: 'Atom: javascript: and SQL entry ids',
    parser: 'atom',
    input: atomDoc(
      atomEntry('javascript:alert(1)', 'T1') + atomEntry(SQL_OR.replace(/'/g, '&apos;'), 'T2') + atomEntry('', 'T3'),
    ),
    papers: 0,
    skipped: 3,
  },
  {
    name: 'Atom: 10,000 attributes and a 1 MB summary',
    parser: 'atom',
    input: atomDoc(
      `<entry ${Array.from({ length: 10_000 }, (_, i) => `a${i}="v"`).join(' ')}><id>http://arxiv.org/abs/2501.00001</id><title>T</title><summary>${'s'.repeat(1_000_000)}</summary></entry>`,
    ),
    papers: 1,
    check: (b) => expect(b.papers[0]!.paper.abstract.length).toBe(LIMITS.abstract),
  },
  {
    name: 'Atom: a category term that breaks out of an attribute',
    parser: 'atom',
    input: atomDoc(
      atomEntry(
        'http://arxiv.org/abs/2501.00001',
        'T',
        `<category term="cs.LG&quot;&gt;${XSS.replace(/</g, '&lt;').replace(/>/g, '&gt;')}"/>`,
      ),
    ),
    papers: 1,
  },
];

function runParser(c: ParserCase): SourceBatch {
  return c.parser === 'hf' ? parseHfDocument(c.name, c.input) : parseAtomDocument(c.name, c.input);
}

describe('hostile inputs: ingest parsers', () => {
  const cases = [...hfCases, ...atomCases];

  it(`has ${cases.length} hostile documents for the parsers`, () => {
    expect(cases.length).toBeGreaterThanOrEqual(30);
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    let batch: SourceBatch | undefined;
    let thrown: unknown;
    try {
      batch = runParser(c);
    } catch (error) {
      thrown = error;
    }
    if (thrown !== undefined) {
      // Only the module's own error, with a message fit for a log line.
      expect(thrown, (thrown as Error).message).toBeInstanceOf(IngestError);
      expect((thrown as IngestError).code).toBe(c.error);
      expect((thrown as IngestError).message).not.toMatch(/[\r\n]/);
      return;
    }
    expect(c.error, `${c.name}: expected ${c.error}, got a batch`).toBeUndefined();
    if (c.papers !== undefined) expect(batch!.papers).toHaveLength(c.papers);
    if (c.skipped !== undefined) expect(batch!.skipped).toHaveLength(c.skipped);
    expectPlainPapers(batch!);
    c.check?.(batch!);
  });
});

describe('hostile inputs: local files', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'paperboy-hostile-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const file = async (name: string, content: string | Buffer) => {
    const target = path.join(dir, name);
    await writeFile(target, content);
    return target;
  };

  const fileCases: Array<{ name: string; path: () => Promise<string>; error?: IngestErrorCode; papers?: number }> = [
    {
      name: 'a binary file',
      path: () => file('binary.bin', Buffer.from([0x00, 0xff, 0xfe, 0x89, 0x50, 0x4e, 0x47, 0x00, 0x0d, 0x0a])),
      error: 'wrong_shape',
    },
    { name: 'a JSON file with a BOM', path: () => file('bom.json', `\ufeff${hfDoc(hfItem({}))}`), papers: 1 },
    {
      name: 'a UTF-16 file',
      path: () =>
        file('utf16.json', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(hfDoc(hfItem({})), 'utf16le')])),
      error: 'wrong_shape',
    },
    { name: 'a billion-laughs file', path: () => file('lol.xml', BILLION_LAUGHS), error: 'unsafe_xml' },
    { name: 'an XXE file', path: () => file('xxe.xml', XXE), error: 'unsafe_xml' },
    { name: 'a file over the size cap', path: () => file('big.json', `[${'1,'.repeat(40_000)}1]`), error: 'too_large' },
    { name: '/dev/zero (never ends)', path: async () => '/dev/zero', error: 'file' },
    { name: 'a directory', path: async () => dir, error: 'file' },
    { name: 'a path with a NUL byte', path: async () => `${dir}/a\u0000b.json`, error: 'file' },
  ];

  it.each(fileCases.map((c) => [c.name, c] as const))('file source: %s', async (_name, c) => {
    const outcome = await readPaperFile(await c.path(), 64 * 1024).then(
      (batch) => ({ batch }),
      (error: unknown) => ({ error }),
    );
    if ('error' in outcome) {
      expect(outcome.error, String(outcome.error)).toBeInstanceOf(IngestError);
      expect((outcome.error as IngestError).code).toBe(c.error);
    } else {
      expect(c.error).toBeUndefined();
      expect(outcome.batch.papers).toHaveLength(c.papers!);
    }
  });
});

describe('hostile inputs: whole ingest runs over HTTP store nothing when they fail', () => {
  const DAY = '2026-01-05';
  let server: FixtureServer;
  let env: TestEnv;
  let deps: IngestDeps;

  beforeAll(async () => {
    server = await new FixtureServer().start();
    env = await createTestEnv({ HF_BASE_URL: server.url, ARXIV_BASE_URL: server.url });
    deps = {
      db: env.ctx.db,
      config: env.config,
      fetch: { timeoutMs: 1_000, retries: 0, retryDelayMs: 5, maxBytes: 64 * 1024 },
    };
  });
  afterAll(async () => {
    await env?.cleanup();
    await server?.stop();
  });

  const goodItem = (i: number) => hfItem({ id: `2501.0000${i}`, title: `Good paper ${i}` });
  const hf: IngestRequest = { source: 'hf', date: DAY, pageSize: 1, maxPages: 3 };
  const arxiv: IngestRequest = { source: 'arxiv', query: 'cat:cs.LG', maxResults: 5, pageDelayMs: 0 };

  const runCases: Array<{
    name: string;
    request: IngestRequest;
    handler: FixtureServer['handler'];
    error: IngestErrorCode;
  }> = [
    {
      name: 'arXiv answers billion laughs',
      request: arxiv,
      handler: (_q, res) => send(res, 200, 'application/atom+xml', BILLION_LAUGHS),
      error: 'unsafe_xml',
    },
    {
      name: 'arXiv answers an XXE feed',
      request: arxiv,
      handler: (_q, res) => send(res, 200, 'application/atom+xml', XXE),
      error: 'unsafe_xml',
    },
    {
      name: 'HF answers XML',
      request: hf,
      handler: (_q, res) => send(res, 200, 'application/json', BILLION_LAUGHS),
      error: 'invalid_json',
    },
    { name: 'HF never answers', request: hf, handler: () => undefined, error: 'timeout' },
    {
      name: 'HF trickles a body forever',
      request: hf,
      handler: (_q, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('[');
        const timer = setInterval(() => res.write(' '), 50);
        res.on('close', () => clearInterval(timer));
      },
      error: 'timeout',
    },
    {
      name: 'HF sends more than the size cap',
      request: hf,
      handler: (_q, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(`[${'0,'.repeat(100_000)}0]`);
      },
      error: 'too_large',
    },
    {
      name: 'HF page 0 is fine, page 1 is garbage: the half-read day is not stored',
      request: hf,
      handler: (_q, res, url) => {
        if (url.searchParams.get('p') === '0') return send(res, 200, 'application/json', hfDoc(goodItem(1)));
        send(res, 200, 'application/json', '[{"paper":{"id":"2501.00002","title":"broken"');
      },
      error: 'invalid_json',
    },
  ];

  it.each(runCases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    server.handler = c.handler;
    const before = await snapshotTables(env.ctx.db);
    const error = await ingestPapers(deps, c.request).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error, String(error)).toBeInstanceOf(IngestError);
    expect((error as IngestError).code).toBe(c.error);
    expect(await snapshotTables(env.ctx.db)).toEqual(before);
  });

  it('a run of hostile items stores only clean, capped text and skips the rest', async () => {
    server.handler = (_q, res) =>
      send(
        res,
        200,
        'application/json',
        hfDoc(
          hfItem({
            id: '2501.00011',
            title: `NUL\u0000 and CR/LF\r\n ${XSS}`,
            summary: 'x'.repeat(20_000),
            authors: [{ name: 'A\u0000' }],
          }),
          hfItem({ id: '2501.00012', title: 'Surrogate \ud800 title', githubRepo: 'javascript:alert(1)' }),
          hfItem({ id: SQL_OR, title: 'skipped' }),
          hfItem({ id: '2501.00013', upvotes: 1e308 }),
        ),
      );
    const summary = await ingestPapers(deps, { source: 'hf', date: DAY, pageSize: 100 });
    expect(summary).toMatchObject({ fetched: 4, created: 2 });
    expect(summary.skipped).toHaveLength(2);
    const stored = await env.ctx.db.paper.findMany({
      where: { arxivId: { in: ['2501.00011', '2501.00012'] } },
      orderBy: { arxivId: 'asc' },
    });
    expect(stored[0]!.title).toBe(`NUL and CR/LF ${XSS}`);
    expect(stored[0]!.abstract.length).toBe(LIMITS.abstract);
    expect(stored[0]!.authors).toEqual(['A']);
    expect(stored[1]!.githubRepo).toBeNull();
    expect(stored[1]!.title).toBe('Surrogate \uFFFD title');
  });
});
