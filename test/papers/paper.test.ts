import { describe, expect, it } from 'vitest';
import { buildPaper, capText, httpUrl, LIMITS, normaliseText, parseArxivId, titleKey } from '../../src/papers/paper.js';
import { decodeXmlText } from '../../src/papers/parse-document.js';

describe('normaliseText', () => {
  it('collapses hard line breaks, indentation and runs of spaces', () => {
    expect(normaliseText('  Long-term Recurrent Networks for Visual Recognition and\n  Description  ')).toBe(
      'Long-term Recurrent Networks for Visual Recognition and Description',
    );
    expect(normaliseText('a\t\tb\r\n\r\nc')).toBe('a b c');
  });

  it('drops control characters Postgres or a renderer would choke on, keeps HTML as text', () => {
    expect(normaliseText('A\u0000B\u0007C <b>bold</b>')).toBe('ABC <b>bold</b>');
  });
});

describe('parseArxivId', () => {
  it.each([
    ['2501.00663', '2501.00663'],
    ['2501.00663v2', '2501.00663'],
    ['arXiv:2501.00663', '2501.00663'],
    ['http://arxiv.org/abs/2501.00663v1', '2501.00663'],
    ['https://arxiv.org/pdf/2501.00663v1.pdf', '2501.00663'],
    ['0704.0001', '0704.0001'],
    ['http://arxiv.org/abs/hep-th/9901001v1', 'hep-th/9901001'],
    ['math.GT/0309136', 'math.GT/0309136'],
  ])('reads %s', (raw, id) => expect(parseArxivId(raw)).toBe(id));

  it.each(['', 'not-an-id', '2501.6', '../../etc/passwd', 'http://arxiv.org/api/errors#x', '2501.00663; DROP TABLE'])(
    'refuses %j',
    (raw) => expect(parseArxivId(raw)).toBeNull(),
  );
});

describe('titleKey', () => {
  it('is the same however the title is spaced or cased', () => {
    expect(titleKey('Temporal  Self-Rewarding\nLanguage Models')).toBe(
      titleKey('temporal self-rewarding language models'),
    );
    expect(titleKey('A')).not.toBe(titleKey('B'));
    expect(titleKey('A')).toMatch(/^title:[0-9a-f]{64}$/);
  });
});

describe('capText and httpUrl', () => {
  it('cuts long text with an ellipsis without splitting a surrogate pair', () => {
    expect(capText('abcdef', 4)).toBe('abc…');
    expect(capText('ab😀cd', 4)).toBe('ab…');
    expect(capText('short', 10)).toBe('short');
  });

  it('keeps http(s) URLs only', () => {
    expect(httpUrl('https://github.com/a/b')).toBe('https://github.com/a/b');
    expect(httpUrl('javascript:alert(1)')).toBeNull();
    expect(httpUrl('data:text/html,<script>')).toBeNull();
    expect(httpUrl('not a url')).toBeNull();
    expect(httpUrl(`https://x.org/${'a'.repeat(LIMITS.url)}`)).toBeNull();
  });
});

describe('buildPaper', () => {
  it('keys by arXiv id and builds canonical links', () => {
    const built = buildPaper({ arxivId: '2501.00663v1', title: ' Titans ', upvotes: 3 });
    expect(built).toMatchObject({
      ok: true,
      paper: {
        key: '2501.00663',
        arxivId: '2501.00663',
        title: 'Titans',
        url: 'https://arxiv.org/abs/2501.00663',
        upvotes: 3,
      },
    });
  });

  it('keys a paper without id by its title hash', () => {
    const built = buildPaper({ title: 'No id here' });
    expect(built.ok && built.paper.key).toBe(titleKey('No id here'));
    expect(built.ok && built.paper.url).toBeNull();
  });

  it('says why an item cannot be a paper', () => {
    expect(buildPaper({ arxivId: 'nope', title: 'x' })).toEqual({ ok: false, reason: 'not an arXiv id: "nope"' });
    expect(buildPaper({ arxivId: '2501.00663', title: ' \n ' })).toEqual({ ok: false, reason: 'missing title' });
  });

  it('caps every outside field', () => {
    const built = buildPaper({
      title: 'T'.repeat(5000),
      abstract: 'A'.repeat(50_000),
      authors: Array.from({ length: 2000 }, (_, i) => `Author ${i} ${'x'.repeat(500)}`),
      authorCount: 2000,
      keywords: Array.from({ length: 500 }, (_, i) => `k${i}`),
      upvotes: 1e12,
      githubRepo: 'javascript:alert(1)',
    });
    if (!built.ok) throw new Error(built.reason);
    const p = built.paper;
    expect(p.title.length).toBe(LIMITS.title);
    expect(p.abstract.length).toBe(LIMITS.abstract);
    expect(p.authors.length).toBe(LIMITS.authors);
    expect(Math.max(...p.authors.map((a) => a.length))).toBeLessThanOrEqual(LIMITS.author);
    expect(p.authorCount).toBe(2000);
    expect(p.keywords.length).toBe(LIMITS.keywords);
    expect(p.upvotes).toBe(LIMITS.upvotes);
    expect(p.githubRepo).toBeNull();
  });

  it('drops dates it cannot read rather than storing nonsense', () => {
    const built = buildPaper({ title: 't', publishedAt: 'yesterday' });
    expect(built.ok && built.paper.publishedAt).toBeNull();
  });
});

describe('decodeXmlText', () => {
  it('decodes the five predefined entities and character references once', () => {
    expect(decodeXmlText('Tables &amp; Text &lt;b&gt; &quot;x&quot; &apos;y&apos; &#8212; &#x00E9;')).toBe(
      `Tables & Text <b> "x" 'y' — é`,
    );
    expect(decodeXmlText('&amp;lt;')).toBe('&lt;');
  });

  it('leaves unknown names and invalid references as text', () => {
    expect(decodeXmlText('&nbsp; &#0; &#xD800; &bogus;')).toBe('&nbsp; &#0; &#xD800; &bogus;');
  });
});
