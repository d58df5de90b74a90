// Property-based hostile inputs (fast-check): instead of a table, generated
// strings and JSON — control characters, NUL, lone UTF-16 surrogates, markup,
// SQL, huge numbers — thrown at the sign-up, the link pages, the admin API
// and the ingest parsers. Runs are kept small so the file takes seconds.
import fc from 'fast-check';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/http/app.js';
import { parseAtomDocument } from '../../src/papers/arxiv-source.js';
import { parseHfDocument } from '../../src/papers/hf-source.js';
import { IngestError } from '../../src/papers/ingest-error.js';
import { decodeXmlText } from '../../src/papers/parse-document.js';
import { createTestEnv, type TestEnv } from '../helpers/context.js';
import {
  DEADLINE_MS,
  IMG_XSS,
  SQL_DROP,
  SQL_OR,
  XSS,
  expectNoRawMarkup,
  expectPrototypeClean,
  snapshotTables,
} from './hostile-support.js';

/** Any UTF-16 code unit, lone surrogates included: the "binary" unit never makes those. */
const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code));
const NASTY = [
  '\r\n',
  '\u0000',
  '\ud800',
  '\udfff',
  XSS,
  IMG_XSS,
  SQL_OR,
  SQL_DROP,
  '%00',
  '../',
  '\u202e',
  '\ufeff',
  '1e308',
  '99999999999999999999',
  '__proto__',
];

/** Strings that are mostly plausible, sometimes pure noise, often carrying one of the classic payloads. */
const hostileString = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: codeUnit, maxLength: 40 }),
  fc.constantFrom(...NASTY),
  fc
    .tuple(fc.string({ maxLength: 20 }), fc.constantFrom(...NASTY), fc.string({ maxLength: 20 }))
    .map(([a, b, c]) => a + b + c),
);

/** Email-shaped strings with something hostile inside. */
const hostileEmail = fc.oneof(
  hostileString,
  fc.emailAddress(),
  fc.tuple(fc.emailAddress(), fc.constantFrom(...NASTY)).map(([email, bad]) => email + bad),
  fc.tuple(fc.constantFrom(...NASTY), fc.emailAddress()).map(([bad, email]) => bad + email),
);

const RUNS = { numRuns: 40 };

/** Every UTF-8 byte as %XX (encodeURIComponent throws on a lone surrogate; Buffer writes U+FFFD). */
const percentEncode = (text: string) =>
  [...Buffer.from(text, 'utf8')].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');

describe('hostile properties: HTTP', () => {
  let env: TestEnv;
  let app: ReturnType<typeof createApp>;
  let auth: Record<string, string>;

  beforeAll(async () => {
    env = await createTestEnv({ SIGNUP_LIMIT_PER_IP: '1000000', SIGNUP_LIMIT_PER_ADDRESS: '1000' });
    app = createApp(env.ctx);
    auth = { Authorization: `Bearer ${env.config.adminToken}` };
    await env.ctx.db.list.create({ data: { slug: 'trending', name: 'Trending' } });
  });
  afterAll(() => env?.cleanup());

  it('any string as the sign-up email (JSON) answers 202 or 400, and a 400 stores nothing', async () => {
    await fc.assert(
      fc.asyncProperty(hostileEmail, async (email) => {
        const before = await snapshotTables(env.ctx.db);
        const res = await request(app)
          .post('/subscribe')
          .send({ email, lists: ['trending'] })
          .timeout({ deadline: DEADLINE_MS });
        expect([202, 400]).toContain(res.status);
        if (res.status === 400) {
          expect(res.body.error.code).toBe('validation_failed');
          expect(await snapshotTables(env.ctx.db)).toEqual(before);
        } else {
          const stored = await env.ctx.db.subscriber.findUnique({ where: { email: email.trim().toLowerCase() } });
          expect(stored?.email).not.toMatch(/[\u0000-\u001f\u007f<>]/);
        }
      }),
      RUNS,
    );
  });

  it('any string as a link token gets a 4xx page, never a 500', async () => {
    const route = fc.constantFrom('/confirm/', '/preferences/', '/unsubscribe/', '/digests/1?t=');
    // An empty segment is another path (404 JSON), "." and ".." are path syntax: neither is a token.
    const token = hostileString.filter((t) => t !== '' && t !== '.' && t !== '..');
    await fc.assert(
      fc.asyncProperty(route, token, async (prefix, token) => {
        const res = await request(app)
          .get(prefix + percentEncode(token))
          .timeout({ deadline: DEADLINE_MS });
        expect(res.status).toBeGreaterThanOrEqual(400);
        expect(res.status).toBeLessThan(500);
        expect(res.headers['content-type']).toMatch(/^text\/html/);
        expectNoRawMarkup(res.text, prefix);
      }),
      { numRuns: 60 },
    );
  });

  it('any list body for POST /api/admin/lists answers 201, 400 or 409; a refusal stores nothing', async () => {
    const field = fc.constantFrom(
      'slug',
      'name',
      'description',
      'keywords',
      'categories',
      'minUpvotes',
      'maxPapers',
      'public',
      '__proto__',
      'constructor',
    );
    const value = fc.oneof(
      hostileString,
      fc.jsonValue({ maxDepth: 2 }),
      fc.array(hostileString, { maxLength: 3 }),
      fc.double(),
      fc.bigInt().map(String),
    );
    const body = fc
      .record({ slug: fc.oneof(hostileString, fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/)), name: hostileString })
      .chain((base) => fc.dictionary(field, value, { maxKeys: 4 }).map((extra) => ({ ...base, ...extra })));
    await fc.assert(
      fc.asyncProperty(body, async (list) => {
        const before = await snapshotTables(env.ctx.db);
        const res = await request(app)
          .post('/api/admin/lists')
          .set(auth)
          .send(JSON.stringify(list))
          .type('json')
          .timeout({ deadline: DEADLINE_MS });
        expect([201, 400, 409], res.text.slice(0, 200)).toContain(res.status);
        if (res.status !== 201) expect(await snapshotTables(env.ctx.db)).toEqual(before);
        else expect(res.body.name).not.toMatch(/[\u0000-\u001f]/);
        expectPrototypeClean();
      }),
      RUNS,
    );
  });

  it('any q, list, cursor and limit for GET /api/admin/subscribers answers 200 or 400', async () => {
    const param = fc.option(hostileString, { nil: undefined });
    await fc.assert(
      fc.asyncProperty(param, param, param, param, async (q, list, cursor, limit) => {
        const query = new URLSearchParams();
        for (const [key, v] of Object.entries({ q, list, cursor, limit })) if (v !== undefined) query.set(key, v);
        const res = await request(app)
          .get(`/api/admin/subscribers?${query.toString()}`)
          .set(auth)
          .timeout({ deadline: DEADLINE_MS });
        expect([200, 400], res.text.slice(0, 200)).toContain(res.status);
      }),
      RUNS,
    );
  });

  it('any body for POST /api/admin/papers answers 200, 201, 400 or 413, never a 500', async () => {
    const paper = fc.record(
      {
        arxivId: hostileString,
        title: hostileString,
        abstract: hostileString,
        authors: fc.array(hostileString, { maxLength: 3 }),
        upvotes: fc.oneof(fc.integer(), fc.double()),
        url: hostileString,
      },
      { requiredKeys: ['title'] },
    );
    const body = fc.oneof(paper, fc.array(paper, { maxLength: 4 }), fc.jsonValue({ maxDepth: 3 }));
    await fc.assert(
      fc.asyncProperty(body, async (papers) => {
        const res = await request(app)
          .post('/api/admin/papers')
          .set(auth)
          .type('json')
          .send(JSON.stringify(papers) ?? 'null')
          .timeout({ deadline: DEADLINE_MS });
        expect([200, 201, 400, 413], res.text.slice(0, 200)).toContain(res.status);
      }),
      RUNS,
    );
    // Whatever was stored is plain text that Postgres accepted.
    const titles = await env.ctx.db.paper.findMany({ select: { title: true } });
    for (const { title } of titles) expect(title).not.toMatch(/[\u0000-\u0008\u000e-\u001f]|\p{Cs}/u);
  });

  it('any CSV cells for the import answer 200 or 400; rows that fail are not stored', async () => {
    const row = fc.array(hostileString, { minLength: 1, maxLength: 6 });
    const quote = (cell: string) => `"${cell.replace(/"/g, '""')}"`;
    await fc.assert(
      fc.asyncProperty(fc.array(row, { minLength: 1, maxLength: 4 }), fc.boolean(), async (rows, quoted) => {
        const lines = rows.map((cells) => cells.map((c) => (quoted ? quote(c) : c)).join(','));
        const csv = ['email,lists,timezone,sendHour,frequency', ...lines].join('\n');
        const before = await env.ctx.db.subscriber.count();
        const res = await request(app)
          .post('/api/admin/subscribers/import?status=active')
          .set(auth)
          .type('text/csv')
          .send(csv)
          .timeout({ deadline: DEADLINE_MS });
        expect([200, 400], res.text.slice(0, 200)).toContain(res.status);
        const after = await env.ctx.db.subscriber.count();
        if (res.status === 400) expect(after).toBe(before);
        else expect(after - before).toBe(res.body.created);
      }),
      { numRuns: 30 },
    );
  });
});

describe('hostile properties: ingest parsers', () => {
  const onlyIngestErrors = (parse: () => unknown) => {
    try {
      parse();
    } catch (error) {
      expect(error, String(error)).toBeInstanceOf(IngestError);
    }
  };

  it('the HF parser answers any JSON with a batch or an IngestError', () => {
    const item = fc.record({
      paper: fc.dictionary(
        fc.constantFrom('id', 'title', 'summary', 'authors', 'upvotes', 'publishedAt', 'githubRepo', '__proto__'),
        fc.jsonValue({ maxDepth: 2 }),
      ),
    });
    const doc = fc.oneof(
      fc.jsonValue({ maxDepth: 4 }),
      fc.array(fc.oneof(item, fc.jsonValue({ maxDepth: 2 })), { maxLength: 5 }),
    );
    fc.assert(
      fc.property(doc, (value) => onlyIngestErrors(() => parseHfDocument('property', JSON.stringify(value) ?? 'null'))),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(hostileString, (text) => onlyIngestErrors(() => parseHfDocument('property', text))),
      { numRuns: 200 },
    );
    expectPrototypeClean();
  });

  it('the arXiv parser answers any string, and any feed-shaped XML, with a batch or an IngestError', () => {
    const tag = fc.constantFrom(
      'feed',
      'entry',
      'id',
      'title',
      'summary',
      'author',
      'name',
      'category',
      'link',
      '!DOCTYPE',
      '![CDATA[',
      '?xml',
    );
    const xmlish = fc
      .array(
        fc.oneof(
          tag.map((t) => `<${t}>`),
          tag.map((t) => `</${t}>`),
          hostileString,
          fc.constantFrom('&amp;', '&#0;', '&#x110000;', '&lol;', ']]>'),
        ),
        { maxLength: 30 },
      )
      .map((parts) => parts.join(''));
    const feed = fc
      .array(fc.tuple(hostileString, hostileString), { maxLength: 4 })
      .map(
        (entries) =>
          `<feed xmlns="http://www.w3.org/2005/Atom">${entries.map(([id, title]) => `<entry><id>${id}</id><title>${title}</title></entry>`).join('')}</feed>`,
      );
    fc.assert(
      fc.property(fc.oneof(hostileString, xmlish, feed), (text) =>
        onlyIngestErrors(() => parseAtomDocument('property', text)),
      ),
      { numRuns: 400 },
    );
  });

  it('XML text decoding never throws and never expands beyond its input', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom('&', '#', 'x', ';', 'a', 'm', 'p', '0', '1', 'f', 'D', '8', 'l', 't') }),
        (text) => {
          expect(decodeXmlText(text).length).toBeLessThanOrEqual(text.length);
        },
      ),
      { numRuns: 500 },
    );
  });
});
