// The parsers alone, on recorded fixtures and the shipped sample data set.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseAtomDocument } from '../../src/papers/arxiv-source.js';
import { detectFormat } from '../../src/papers/file-source.js';
import { parseHfDocument } from '../../src/papers/hf-source.js';
import { IngestError } from '../../src/papers/ingest-error.js';
import { titleKey } from '../../src/papers/paper.js';
import { BILLION_LAUGHS, readFixture } from './fixture-server.js';

const sample = (name: string) => readFileSync(new URL(`../../data/sample/${name}`, import.meta.url), 'utf8');

function failure(fn: () => unknown): IngestError {
  try {
    fn();
  } catch (error) {
    if (error instanceof IngestError) return error;
    throw error;
  }
  throw new Error('expected an IngestError');
}

describe('Hugging Face daily papers', () => {
  it('reads every field of a recorded response', () => {
    const batch = parseHfDocument('hf', readFixture('hf/daily-papers-2025-09-08.json'));
    expect(batch.fetched).toBe(5);
    expect(batch.skipped).toEqual([]);
    const [first, titans, coconut, nsa, r1] = batch.papers.map((p) => p.paper);
    expect(first).toMatchObject({
      key: '2509.04664',
      title: 'Why Language Models Hallucinate',
      authors: ['Adam Tauman Kalai', 'Ofir Nachum', 'Santosh S. Vempala', 'Edwin Zhang'],
      authorCount: 4,
      upvotes: 182,
      keywords: ['hallucinations', 'binary classification', 'evaluation benchmarks'],
      thumbnail: 'https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/2509.04664.png',
      url: 'https://arxiv.org/abs/2509.04664',
    });
    expect(first!.abstract).not.toMatch(/\n/);
    expect(first!.publishedAt?.toISOString()).toBe('2025-09-04T21:26:31.000Z');
    expect(titans!.organization).toBe('Google');
    expect(coconut!.githubRepo).toBe('https://github.com/facebookresearch/coconut');
    expect(nsa!.projectPage).toBe('https://example.org/nsa');
    expect(r1!.title).toBe('DeepSeek-R1: Incentivizing Reasoning Capability in LLMs via Reinforcement Learning');
  });

  it('reads the sample data set: 59 items, one keyed by title, one without a date', () => {
    const batch = parseHfDocument('sample', sample('daily-papers.json'));
    expect(batch.fetched).toBe(59);
    expect(batch.skipped).toEqual([]);
    const byTitle = batch.papers.filter((p) => p.paper.arxivId === null);
    expect(byTitle).toHaveLength(1);
    expect(byTitle[0]!.paper.key).toBe(titleKey(byTitle[0]!.paper.title));
    expect(batch.papers.filter((p) => p.paper.publishedAt === null)).toHaveLength(1);
    expect(batch.papers.find((p) => p.paper.organization === 'Sakana AI')).toBeDefined();
    expect(batch.papers.every((p) => p.paper.authorCount >= 0)).toBe(true);
  });

  it('skips malformed items with their reason and keeps the rest', () => {
    const good = JSON.parse(readFixture('hf/daily-papers-2025-09-08.json')) as Array<{
      paper: Record<string, unknown>;
    }>;
    const items = [
      good[0],
      'a string',
      { title: 'no paper object' },
      { paper: { id: '2501.99999', title: 'Bad upvotes', upvotes: 'many' } },
      { paper: { id: 'not-arxiv', title: 'Bad id' } },
      { paper: { id: '2501.88888', summary: 'no title' } },
      { paper: { id: '2501.77777', title: 'Bad authors', authors: [{ nom: 'x' }] } },
    ];
    const batch = parseHfDocument('hf', JSON.stringify(items), '', 10);
    expect(batch.fetched).toBe(7);
    expect(batch.papers.map((p) => p.index)).toEqual([10]);
    expect(batch.skipped).toEqual([
      { index: 11, reason: expect.stringMatching(/expected object/) },
      { index: 12, reason: expect.stringMatching(/^paper: /) },
      { index: 13, id: '2501.99999', reason: expect.stringMatching(/^paper\.upvotes: /) },
      { index: 14, id: 'not-arxiv', reason: 'not an arXiv id: "not-arxiv"' },
      { index: 15, id: '2501.88888', reason: 'missing title' },
      { index: 16, id: '2501.77777', reason: expect.stringMatching(/^paper\.authors\.0\.name: /) },
    ]);
  });

  it.each([
    ['invalid JSON', '[{"paper": ', 'invalid_json'],
    ['an empty body', '', 'empty'],
    ['whitespace only', '  \n ', 'empty'],
    ['an HTML page', readFixture('html-error-page.html'), 'html'],
    ['the wrong shape', '{"papers": []}', 'wrong_shape'],
    ['an API error object', '{"error": "Invalid date"}', 'upstream_error'],
  ])('fails the document on %s', (_name, text, code) => {
    expect(failure(() => parseHfDocument('hf', text)).code).toBe(code);
  });
});

describe('arXiv Atom feed', () => {
  it('reads a recorded feed, normalising wrapped text and decoding entities once', () => {
    const batch = parseAtomDocument('arxiv', readFixture('arxiv/query-cs-lg.xml'));
    expect(batch.fetched).toBe(3);
    expect(batch.skipped).toEqual([]);
    const [titans, attention, tables] = batch.papers.map((p) => p.paper);
    expect(titans).toMatchObject({
      key: '2501.00663',
      authors: ['Ali Behrouz', 'Peilin Zhong', 'Vahab Mirrokni'],
      categories: ['cs.LG', 'cs.AI', 'cs.CL'],
      upvotes: null,
      url: 'https://arxiv.org/abs/2501.00663',
      pdfUrl: 'https://arxiv.org/pdf/2501.00663',
    });
    expect(titans!.abstract).toMatch(
      /^Over more than a decade there has been an extensive research effort on how to effectively/,
    );
    expect(titans!.abstract).not.toMatch(/\s{2}|\n/);
    expect(attention!.publishedAt?.toISOString()).toBe('2017-06-12T17:57:34.000Z');
    expect(attention!.categories).toEqual(['cs.CL', 'cs.LG']);
    // HTML in a title stays text: the renderer escapes it.
    expect(tables!.title).toBe(
      'Tables & Text: Retrieval over <b>Heterogeneous</b> Sources with "Hybrid" Indexes — a Benchmark',
    );
    expect(tables!.abstract).toBe(
      'We study question answering over tables & passages. Scores improve when x < y holds for the retrieval budget.',
    );
    expect(tables!.authors).toEqual(['Zoë Müller', "Jean-Luc O'Brien"]);
  });

  it('reads the sample feed with whitespace normalised', () => {
    const batch = parseAtomDocument('sample', sample('arxiv-atom-sample.xml'));
    expect(batch.papers.map((p) => p.paper.key)).toEqual([
      '1411.4389',
      '1912.12180',
      '2003.05997',
      '2205.13504',
      '2501.00663',
    ]);
    expect(batch.papers[0]!.paper.title).toBe(
      'Long-term Recurrent Convolutional Networks for Visual Recognition and Description',
    );
  });

  it('skips entries without a usable id or title', () => {
    const feed = `<feed xmlns="http://www.w3.org/2005/Atom">
      <entry><id>http://arxiv.org/abs/2501.00663v1</id><title>Good</title></entry>
      <entry><title>No id</title></entry>
      <entry><id>http://example.org/x</id><title>Foreign id</title></entry>
      <entry><id>http://arxiv.org/abs/2501.00664v1</id><title>  </title></entry>
    </feed>`;
    const batch = parseAtomDocument('arxiv', feed);
    expect(batch.papers.map((p) => p.paper.key)).toEqual(['2501.00663']);
    expect(batch.skipped).toEqual([
      { index: 1, reason: 'missing id' },
      { index: 2, id: 'http://example.org/x', reason: 'not an arXiv id: http://example.org/x' },
      { index: 3, id: '2501.00664', reason: 'missing title' },
    ]);
  });

  it('refuses a billion-laughs document quickly, before any expansion', () => {
    const started = Date.now();
    const error = failure(() => parseAtomDocument('arxiv', BILLION_LAUGHS));
    expect(error.code).toBe('unsafe_xml');
    expect(error.message).toMatch(/DOCTYPE/);
    expect(Date.now() - started).toBeLessThan(500);
  });

  it.each([
    ['invalid XML', '<feed><entry><id>x</entry></feed>', 'invalid_xml'],
    ['an empty body', '', 'empty'],
    ['an HTML page', readFixture('html-error-page.html'), 'html'],
    ['another XML document', '<?xml version="1.0"?><rss><channel/></rss>', 'wrong_shape'],
    ['an arXiv error feed', readFixture('arxiv/error-feed.xml'), 'upstream_error'],
  ])('fails the document on %s', (_name, text, code) => {
    expect(failure(() => parseAtomDocument('arxiv', text)).code).toBe(code);
  });

  it('names the arXiv error in the message', () => {
    expect(failure(() => parseAtomDocument('arxiv', readFixture('arxiv/error-feed.xml'))).message).toMatch(
      /incorrect id format for 1234\.12345/,
    );
  });
});

describe('detectFormat', () => {
  it('tells JSON from XML by the first character', () => {
    expect(detectFormat('\uFEFF  [')).toBe('hf-json');
    expect(detectFormat('<?xml')).toBe('atom');
    expect(detectFormat('title,abstract')).toBeUndefined();
  });
});
