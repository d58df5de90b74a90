// The public archive and feeds over HTTP, against real Postgres: what is
// public and what is not, paging, caching, escaping, and feeds checked with
// a real XML parser against RFC 4287's required elements and JSON Feed 1.1's.
import request from 'supertest';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createArchive, editionWindow, latestPeriod, shiftPeriod } from '../../../src/digest/archive.js';
import { findArchiveList } from '../../../src/digest/archive-repo.js';
import { sectionPaperIds } from '../../../src/digest/reader-digest.js';
import { createApp } from '../../../src/http/app.js';
import { createTestEnv, type TestEnv } from '../../helpers/context.js';

const HOUR = 3_600_000;
const today = latestPeriod(new Date());
const day = (back: number) => shiftPeriod(today, -back);
const seenFor = (period: string, hour = 12) => new Date(editionWindow(period).start.getTime() + hour * HOUR);
const PERSONAL = ['/unsubscribe/', '/preferences/', '/feedback/', '/digests/', '?t=', 'pb_csrf'];

let seq = 0;
const paper = (
  title: string,
  firstSeenAt: Date,
  over: { upvotes?: number; hidden?: boolean; abstract?: string } = {},
) => {
  seq++;
  return {
    key: `k${seq}`,
    arxivId: `2611.${String(20000 + seq)}`,
    title,
    abstract: over.abstract ?? '',
    upvotes: over.upvotes ?? seq,
    hidden: over.hidden ?? false,
    source: 'admin',
    firstSeenAt,
  };
};

describe('public archive and feeds', () => {
  let env: TestEnv;
  let app: ReturnType<typeof createApp>;

  beforeAll(async () => {
    env = await createTestEnv();
    app = createApp(env.ctx);
    const db = env.ctx.db;
    await db.list.createMany({
      data: [
        { slug: 'trending', name: 'Trending', description: 'The most upvoted papers.', maxPapers: 5 },
        { slug: 'attention', name: 'Attention <& friends>', keywords: ['attention'] },
        { slug: 'staff', name: 'Staff picks (internal)', public: false },
      ],
    });
    await db.paper.createMany({
      data: [
        paper('Attention <b>bold</b> & "quoted"', seenFor(day(1)), {
          upvotes: 50,
          abstract: 'A <script>alert(1)</script> abstract.',
        }),
        paper('Control \u0001 character attention', seenFor(day(1), 13), { upvotes: 3 }),
        paper('Unrelated graphs', seenFor(day(1), 14), { upvotes: 20 }),
        paper('Hidden attention', seenFor(day(1), 15), { upvotes: 99, hidden: true }),
        // Trending: one paper on each of 35 periods, so its archive has two pages.
        ...Array.from({ length: 35 }, (_, i) => paper(`Graph paper ${i + 2}`, seenFor(day(i + 2)))),
      ],
    });
  });
  afterAll(() => env?.cleanup());

  it('GET /archive lists the public lists with their latest edition and feeds, never the private one', async () => {
    const res = await request(app).get('/archive');
    expect(res.status).toBe(200);
    expect(res.type).toBe('text/html');
    expect(res.text).toContain('class="site-header"');
    expect(res.text).toContain(`href="/archive/trending/${day(1)}"`);
    expect(res.text).toContain(`href="/archive/attention/${day(1)}"`);
    expect(res.text).toContain('Attention &lt;&amp; friends&gt;');
    expect(res.text).toContain('href="/lists/trending/feed.atom"');
    expect(res.text).toContain('href="/lists/attention/feed.json"');
    expect(res.text).toMatch(
      /<link rel="alternate" type="application\/atom\+xml" title="Trending \(Atom\)" href="\/lists\/trending\/feed.atom">/,
    );
    expect(res.text).not.toContain('staff');
    expect(res.text).not.toContain('Staff picks');
  });

  it("shows an edition with the same papers as a single-list reader's plan, escaped, with nothing personal", async () => {
    const res = await request(app).get(`/archive/attention/${day(1)}`);
    expect(res.status).toBe(200);
    const list = (await findArchiveList(env.ctx.db, 'attention'))!;
    const edition = (await createArchive({ db: env.ctx.db, now: new Date() }).edition(list, day(1)))!;
    const titles = sectionPaperIds(edition.sections).map((id) => edition.papers.get(id)!.title);
    expect(titles).toEqual(['Attention <b>bold</b> & "quoted"', 'Control \u0001 character attention']);
    expect(res.text.match(/class="paper-card digest-card/g)).toHaveLength(2);
    expect(res.text).toContain('Attention &lt;b&gt;bold&lt;/b&gt; &amp; &quot;quoted&quot;');
    expect(res.text).not.toContain('<b>bold</b>');
    expect(res.text).not.toContain('<script>alert');
    expect(res.text).not.toContain('Hidden attention');
    expect(res.text).not.toContain('Unrelated graphs');
    for (const personal of PERSONAL) expect(res.text, personal).not.toContain(personal);
    expect(res.headers['set-cookie']).toBeUndefined();
    expect(res.text).toContain('class="site-footer"');
  });

  it('is cacheable: a strong ETag over the content, public max-age, 304 on If-None-Match, a new ETag when the edition changes', async () => {
    const path = `/archive/attention/${day(1)}`;
    const first = await request(app).get(path);
    expect(first.headers.etag).toMatch(/^"[A-Za-z0-9_-]{32}"$/);
    expect(first.headers['cache-control']).toBe('public, max-age=300');
    const again = await request(app).get(path).set('If-None-Match', first.headers.etag!);
    expect(again.status).toBe(304);
    expect(again.text).toBe('');
    await env.ctx.db.paper.updateMany({ where: { title: { startsWith: 'Control' } }, data: { hidden: true } });
    try {
      const changed = await request(app).get(path).set('If-None-Match', first.headers.etag!);
      expect(changed.status).toBe(200);
      expect(changed.headers.etag).not.toBe(first.headers.etag);
      expect(changed.text).not.toContain('Control');
    } finally {
      await env.ctx.db.paper.updateMany({ where: { title: { startsWith: 'Control' } }, data: { hidden: false } });
    }
    for (const other of ['/archive', '/archive/trending', '/lists/trending/feed.atom', '/lists/trending/feed.json']) {
      const res = await request(app).get(other);
      expect(res.headers['cache-control'], other).toBe('public, max-age=300');
      expect((await request(app).get(other).set('If-None-Match', res.headers.etag!)).status, other).toBe(304);
    }
  });

  it('answers 404 for unknown and private lists, malformed, empty and future periods', async () => {
    for (const path of [
      '/archive/nope',
      '/archive/staff',
      `/archive/staff/${day(1)}`,
      '/archive/staff/latest',
      `/archive/attention/${shiftPeriod(today, 1)}`,
      '/archive/attention/2026-02-30',
      '/archive/attention/yesterday',
      `/archive/attention/${day(2)}`,
      '/lists/staff/feed.atom',
      '/lists/staff/feed.json',
      '/lists/nope/feed.atom',
    ]) {
      const res = await request(app).get(path);
      expect(res.status, path).toBe(404);
      expect(res.text, path).not.toContain('Staff picks');
    }
    const bad = await request(app).get('/archive/trending?before=last-week');
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('before');
  });

  it('pages a list’s editions newest first, 30 a page, with older and newer links', async () => {
    const first = await request(app).get('/archive/trending');
    const periods = (text: string) =>
      [...text.matchAll(/href="\/archive\/trending\/(\d{4}-\d{2}-\d{2})"/g)].map((m) => m[1]);
    expect(periods(first.text)).toEqual(Array.from({ length: 30 }, (_, i) => day(i + 1)));
    expect(first.text).not.toContain('rel="prev"');
    const next = /<a rel="next" href="([^"]+)">Older editions<\/a>/.exec(first.text)?.[1];
    expect(next).toBe(`/archive/trending?before=${day(30)}`);
    const second = await request(app).get(next!);
    expect(periods(second.text)).toEqual(Array.from({ length: 6 }, (_, i) => day(i + 31)));
    expect(second.text).not.toContain('rel="next"');
    const prev = /<a rel="prev" href="([^"]+)">Newer editions<\/a>/.exec(second.text)?.[1];
    expect(prev).toBe(`/archive/trending?after=${day(31)}`);
    expect(periods((await request(app).get(prev!)).text)).toEqual(periods(first.text));
  });

  it('serves a valid Atom feed with every element RFC 4287 requires, one entry per edition', async () => {
    const res = await request(app).get('/lists/attention/feed.atom');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/atom+xml; charset=utf-8');
    expect(XMLValidator.validate(res.text)).toBe(true);
    const parsed = new XMLParser({
      ignoreAttributes: false,
      attributeNamePrefix: '@',
      isArray: (name) => ['entry', 'link'].includes(name),
    }).parse(res.text) as {
      feed: {
        '@xmlns': string;
        id: string;
        title: string;
        updated: string;
        link: Array<{ '@rel': string; '@href': string }>;
        author: { name: string };
        entry: Array<{
          id: string;
          title: string;
          updated: string;
          link: Array<{ '@href': string }>;
          content: { '#text': string; '@type': string };
        }>;
      };
    };
    const feed = parsed.feed;
    expect(feed['@xmlns']).toBe('http://www.w3.org/2005/Atom');
    expect(feed.id).toBe('https://paperboy.test/archive/attention');
    expect(feed.title).toBe('Attention <& friends> · Paperboy');
    expect(new Date(feed.updated).toISOString()).toBe(feed.updated);
    expect(feed.link.find((l) => l['@rel'] === 'self')?.['@href']).toBe(
      'https://paperboy.test/lists/attention/feed.atom',
    );
    expect(feed.author.name).toBe('Paperboy');
    expect(feed.entry).toHaveLength(1);
    const [entry] = feed.entry;
    expect(entry!.id).toBe(`https://paperboy.test/archive/attention/${day(1)}`);
    expect(entry!.title).toContain('Attention <& friends> · ');
    expect(entry!.updated).toBe(`${day(1)}T00:00:00.000Z`);
    expect(entry!.link[0]!['@href']).toBe(entry!.id);
    expect(entry!.content['@type']).toBe('html');
    // The content is the edition's HTML: its titles stay escaped as HTML once the XML is read.
    expect(entry!.content['#text']).toContain('Attention &lt;b&gt;bold&lt;/b&gt; &amp; &quot;quoted&quot;');
    expect(entry!.content['#text']).toContain('Control  character attention');
    expect(res.text).not.toContain('\u0001');
  });

  it('serves a JSON Feed 1.1 with its required fields, newest 20 editions', async () => {
    const res = await request(app).get('/lists/trending/feed.json');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/feed+json; charset=utf-8');
    const feed = JSON.parse(res.text) as {
      version: string;
      title: string;
      home_page_url: string;
      feed_url: string;
      items: Array<Record<string, string>>;
    };
    expect(feed).toMatchObject({
      version: 'https://jsonfeed.org/version/1.1',
      title: 'Trending · Paperboy',
      home_page_url: 'https://paperboy.test/archive/trending',
      feed_url: 'https://paperboy.test/lists/trending/feed.json',
    });
    expect(feed.items).toHaveLength(20);
    expect(feed.items.map((i) => i.id)).toEqual(
      Array.from({ length: 20 }, (_, i) => `https://paperboy.test/archive/trending/${day(i + 1)}`),
    );
    for (const item of feed.items) {
      expect(Object.keys(item).sort()).toEqual(['content_html', 'date_published', 'id', 'title', 'url']);
      expect(item.content_html).toContain('class="paper-card digest-card');
    }
    expect(feed.items[0]!.content_html).toContain('Attention &lt;b&gt;bold&lt;/b&gt;');
    expect(feed.items[0]!.date_published).toBe(`${day(1)}T00:00:00.000Z`);
  });

  it('the landing page links each public list’s latest edition and feeds, with discovery tags', async () => {
    const res = await request(app).get('/');
    expect(res.status).toBe(200);
    for (const slug of ['trending', 'attention']) {
      expect(res.text).toContain(`href="/archive/${slug}/latest"`);
      expect(res.text).toContain(`href="/lists/${slug}/feed.atom"`);
      expect(res.text).toContain(`<link rel="alternate" type="application/feed+json"`);
    }
    expect(res.text).not.toContain('/archive/staff');
    expect(res.text).not.toContain('/lists/staff');
    const latest = await request(app).get('/archive/attention/latest');
    expect(latest.status).toBe(302);
    expect(latest.headers.location).toBe(`/archive/attention/${day(1)}`);
  });
});
