// Hostile inputs against every public endpoint: the landing page and
// sign-up (JSON and form), the pages behind email links, the view-in-browser
// page, health, static files and unknown paths. Each row is one hostile
// request; see hostile-support.ts for what every row must pass. The mail
// worker runs, so an input that slipped through would really send mail.
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/http/app.js';
import { createMailProcessor } from '../../src/jobs/mail-job.js';
import { startWorkers, type RunningWorkers } from '../../src/jobs/workers.js';
import { startOutboxPoller, type OutboxPoller } from '../../src/subscriptions/confirmation-outbox.js';
import { digestViewLink, subscriberLinks } from '../../src/subscriptions/links.js';
import { createToken } from '../../src/subscriptions/tokens.js';
import { createTestEnv, type TestEnv } from '../helpers/context.js';
import { createLists, openForm, VALID_SIGNUP } from '../http/pages/page-helpers.js';
import {
  BAD_UTF8,
  CRLF_BCC,
  HUGE_INT,
  IMG_XSS,
  PAST_INT4,
  SQL_DROP,
  SQL_OR,
  XSS,
  bigJson,
  deepArrays,
  expectNoRawMarkup,
  expectPrototypeClean,
  jsonWithBadBytes,
  runHostileCase,
  type HostileCase,
} from './hostile-support.js';

interface Session {
  cookie: string;
  csrf: string;
  manage: string;
  unsubscribe: string;
  confirm: string;
  view: string;
}

type Case = HostileCase<Session>;

const SIGNUP_FIELDS = ['email', 'lists', 'timezone', 'sendHour', 'frequency', 'weekday'] as const;
const INJECTIONS = { 'CR/LF + Bcc header': '\r\nBcc: victim@evil.test', NUL: '\u0000' } as const;

/** A urlencoded sign-up form with the browser's CSRF token, `fields` overriding the valid ones. */
function signupForm(s: Session, fields: Record<string, string | string[]>): string {
  const form = new URLSearchParams();
  for (const [key, value] of Object.entries({ ...VALID_SIGNUP, ...fields })) {
    for (const v of Array.isArray(value) ? value : [value]) form.append(key, v);
  }
  form.append('_csrf', s.csrf);
  return form.toString();
}

const withCookie = (s: Session) => ({ Cookie: s.cookie });
const tamper = (token: string) => token.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'));
const FORM = 'application/x-www-form-urlencoded';

// Injections into each sign-up field, as JSON: 6 fields x 2 = 12 rows.
const jsonFieldInjections: Case[] = SIGNUP_FIELDS.flatMap((field) =>
  Object.entries(INJECTIONS).map(([what, bad]): Case => {
    const value = field === 'lists' ? ['trending' + bad] : `${VALID_SIGNUP[field]}${bad}`;
    return {
      name: `JSON sign-up: ${what} in ${field}`,
      method: 'post',
      path: '/subscribe',
      body: { ...VALID_SIGNUP, [field]: value },
      status: 400,
      shape: 'json',
    };
  }),
);

// The same through the real form (with a valid CSRF token): 6 rows. The form is re-rendered with the values escaped.
const formFieldInjections: Case[] = SIGNUP_FIELDS.map((field): Case => ({
  name: `form sign-up: CR/LF + Bcc and markup in ${field}`,
  method: 'post',
  path: '/subscribe',
  headers: { Accept: 'text/html' },
  type: FORM,
  body: (s) =>
    signupForm(s, {
      [field]: `${field === 'lists' ? 'trending' : VALID_SIGNUP[field]}\r\nBcc: victim@evil.test${IMG_XSS}`,
    }),
  status: 400,
  shape: 'html',
}));

const signupCases: Case[] = [
  ...jsonFieldInjections,
  ...formFieldInjections,
  {
    name: 'JSON sign-up: email is a script tag',
    method: 'post',
    path: '/subscribe',
    body: { ...VALID_SIGNUP, email: `${XSS}@example.org` },
    status: 400,
    shape: 'json',
  },
  {
    name: 'form sign-up: email breaks out of its value attribute; the re-rendered form escapes it',
    method: 'post',
    path: '/subscribe',
    type: FORM,
    body: (s) => signupForm(s, { email: `x${IMG_XSS}${XSS}` }),
    status: 400,
    shape: 'html',
    check: (res) => expect(res.text).toContain('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;'),
  },
  {
    name: `JSON sign-up: SQL in email (${SQL_OR})`,
    method: 'post',
    path: '/subscribe',
    body: { ...VALID_SIGNUP, email: `${SQL_OR}@example.org` },
    status: 400,
    shape: 'json',
  },
  {
    name: 'JSON sign-up: SQL DROP TABLE in email',
    method: 'post',
    path: '/subscribe',
    body: { ...VALID_SIGNUP, email: `x${SQL_DROP}@example.org` },
    status: 400,
    shape: 'json',
  },
  {
    name: 'JSON sign-up: SQL in a list slug',
    method: 'post',
    path: '/subscribe',
    body: { ...VALID_SIGNUP, lists: [SQL_DROP] },
    status: 400,
    shape: 'json',
  },
  {
    name: 'JSON sign-up: sendHour 1e308',
    method: 'post',
    path: '/subscribe',
    body: { ...VALID_SIGNUP, sendHour: 1e308 },
    status: 400,
    shape: 'json',
  },
  {
    name: 'JSON sign-up: sendHour 20 digits',
    method: 'post',
    path: '/subscribe',
    body: { ...VALID_SIGNUP, sendHour: HUGE_INT },
    status: 400,
    shape: 'json',
  },
  {
    name: 'JSON sign-up: sendHour -1',
    method: 'post',
    path: '/subscribe',
    body: { ...VALID_SIGNUP, sendHour: -1 },
    status: 400,
    shape: 'json',
  },
  {
    name: 'JSON sign-up: weekday 1.5',
    method: 'post',
    path: '/subscribe',
    body: { ...VALID_SIGNUP, weekday: 1.5 },
    status: 400,
    shape: 'json',
  },
  {
    name: 'JSON sign-up: 10,000-character email',
    method: 'post',
    path: '/subscribe',
    body: { ...VALID_SIGNUP, email: `${'a'.repeat(10_000)}@example.org` },
    status: 400,
    shape: 'json',
  },
  {
    name: 'JSON sign-up: 1,000 lists',
    method: 'post',
    path: '/subscribe',
    body: { ...VALID_SIGNUP, lists: Array.from({ length: 1000 }, (_, i) => `l${i}`) },
    status: 400,
    shape: 'json',
  },
  {
    name: 'JSON sign-up: email is an operator object',
    method: 'post',
    path: '/subscribe',
    body: { ...VALID_SIGNUP, email: { $ne: null } },
    status: 400,
    shape: 'json',
  },
  {
    name: 'JSON sign-up: email is an array',
    method: 'post',
    path: '/subscribe',
    body: { ...VALID_SIGNUP, email: ['a@example.org', 'b@example.org'] },
    status: 400,
    shape: 'json',
  },
  {
    name: 'JSON sign-up: a private list',
    method: 'post',
    path: '/subscribe',
    body: { ...VALID_SIGNUP, lists: ['staff'] },
    status: 400,
    shape: 'json',
  },
  {
    name: 'JSON sign-up: __proto__ and constructor keys',
    method: 'post',
    path: '/subscribe',
    type: 'application/json',
    body: '{"__proto__":{"polluted":"yes","isAdmin":true},"constructor":{"prototype":{"polluted":"yes"}},"email":"not-an-address","lists":["trending"]}',
    status: 400,
    shape: 'json',
    check: () => expectPrototypeClean(),
  },
  {
    name: 'JSON sign-up: 10,000 nested arrays (over the 16 KB cap)',
    method: 'post',
    path: '/subscribe',
    type: 'application/json',
    body: `{"email":${deepArrays(10_000)}}`,
    status: 413,
    shape: 'json',
  },
  {
    name: 'JSON sign-up: 5,000 nested arrays',
    method: 'post',
    path: '/subscribe',
    type: 'application/json',
    body: `{"email":${deepArrays(5_000)}}`,
    status: 400,
    shape: 'json',
  },
  {
    name: 'JSON sign-up: 1 MB body',
    method: 'post',
    path: '/subscribe',
    type: 'application/json',
    body: bigJson(),
    status: 413,
    shape: 'json',
  },
  {
    name: 'form sign-up: 1 MB body',
    method: 'post',
    path: '/subscribe',
    type: FORM,
    body: `email=${'a'.repeat(1_100_000)}`,
    status: 413,
    shape: 'html',
  },
  {
    name: 'form sign-up: 500 parameters',
    method: 'post',
    path: '/subscribe',
    type: FORM,
    body: Array.from({ length: 500 }, (_, i) => `lists=l${i}`).join('&'),
    status: 413,
    shape: 'html',
  },
  {
    name: 'sign-up as text/plain',
    method: 'post',
    path: '/subscribe',
    type: 'text/plain',
    body: 'email=reader@example.org',
    status: 415,
    shape: 'html',
  },
  {
    name: 'sign-up as text/plain from a JSON client',
    method: 'post',
    path: '/subscribe',
    headers: { Accept: 'application/json' },
    type: 'text/plain',
    body: '{}',
    status: 415,
    shape: 'json',
  },
  {
    name: 'sign-up as multipart/form-data',
    method: 'post',
    path: '/subscribe',
    type: 'multipart/form-data; boundary=XyZ',
    body: '--XyZ\r\nContent-Disposition: form-data; name="email"\r\n\r\nreader@example.org\r\n--XyZ--\r\n',
    status: 415,
    shape: 'html',
  },
  {
    name: 'sign-up as application/xml',
    method: 'post',
    path: '/subscribe',
    type: 'application/xml',
    body: '<email>reader@example.org</email>',
    status: 415,
    shape: 'html',
  },
  {
    name: 'sign-up with a body and no Content-Type',
    method: 'post',
    path: '/subscribe',
    body: Buffer.from('{"email":"reader@example.org"}'),
    status: 415,
    shape: 'html',
  },
  {
    name: 'JSON sign-up: invalid UTF-8 inside the email string',
    method: 'post',
    path: '/subscribe',
    type: 'application/json',
    body: jsonWithBadBytes('email', '"lists":["trending"],'),
    status: 400,
    shape: 'json',
  },
  {
    name: 'form sign-up: raw invalid UTF-8 bytes in the email',
    method: 'post',
    path: '/subscribe',
    type: FORM,
    body: (s) => Buffer.concat([Buffer.from('email='), BAD_UTF8, Buffer.from(`&lists=trending&_csrf=${s.csrf}`)]),
    status: 400,
    shape: 'html',
  },
  {
    name: 'form sign-up: percent-encoded invalid UTF-8',
    method: 'post',
    path: '/subscribe',
    type: FORM,
    body: (s) => `email=%FF%FE%C3%28&lists=trending&_csrf=${s.csrf}`,
    status: 400,
    shape: 'html',
  },
  {
    name: 'JSON sign-up: truncated JSON',
    method: 'post',
    path: '/subscribe',
    type: 'application/json',
    body: '{"email":',
    status: 400,
    shape: 'json',
  },
  {
    name: 'JSON sign-up: a bare string',
    method: 'post',
    path: '/subscribe',
    type: 'application/json',
    body: '"reader@example.org"',
    status: 400,
    shape: 'json',
  },
  {
    name: 'JSON sign-up: declared UTF-16',
    method: 'post',
    path: '/subscribe',
    type: 'application/json; charset=utf-16',
    body: '{}',
    status: [400, 415],
    shape: 'json',
  },
  {
    name: 'JSON sign-up: unknown charset',
    method: 'post',
    path: '/subscribe',
    type: 'application/json; charset=x-klingon',
    body: '{}',
    status: 415,
    shape: 'json',
  },
  {
    name: 'JSON sign-up: gzip that is not gzip',
    method: 'post',
    path: '/subscribe',
    headers: { 'Content-Encoding': 'gzip' },
    type: 'application/json',
    body: '{"email":"a@b.co"}',
    status: 400,
    shape: 'json',
  },
  {
    name: 'JSON sign-up: unknown Content-Encoding',
    method: 'post',
    path: '/subscribe',
    headers: { 'Content-Encoding': 'x-zip' },
    type: 'application/json',
    body: '{}',
    status: 415,
    shape: 'json',
  },
  {
    name: 'form sign-up without the CSRF token, CR/LF in the email',
    method: 'post',
    path: '/subscribe',
    type: FORM,
    body: `email=${encodeURIComponent(CRLF_BCC)}&lists=trending`,
    status: 403,
    shape: 'html',
  },
  {
    name: 'form sign-up with a forged CSRF token',
    method: 'post',
    path: '/subscribe',
    type: FORM,
    body: `email=a%40example.org&lists=trending&_csrf=${'A'.repeat(43)}`,
    status: 403,
    shape: 'html',
  },
  {
    name: 'form sign-up: the honeypot filled with a script is told "check your inbox" and stores nothing',
    method: 'post',
    path: '/subscribe',
    type: FORM,
    body: (s) => signupForm(s, { email: 'bot@example.org', website: XSS }),
    status: 200,
    shape: 'html',
  },
];

const linkCases: Case[] = [
  {
    name: '/confirm: tampered token',
    method: 'get',
    path: (s) => `/confirm/${tamper(s.confirm)}`,
    status: 400,
    shape: 'html',
  },
  {
    name: '/confirm: 5,000-character token',
    method: 'get',
    path: `/confirm/${'a'.repeat(2_500)}.${'b'.repeat(2_500)}`,
    status: 400,
    shape: 'html',
  },
  { name: '/confirm: NUL token', method: 'get', path: '/confirm/%00', status: 400, shape: 'html' },
  {
    name: '/confirm: script token',
    method: 'get',
    path: `/confirm/${encodeURIComponent(XSS)}`,
    status: 400,
    shape: 'html',
  },
  {
    name: '/confirm: SQL token',
    method: 'get',
    path: `/confirm/${encodeURIComponent(SQL_OR)}`,
    status: 400,
    shape: 'html',
  },
  { name: '/confirm: a manage token', method: 'get', path: (s) => `/confirm/${s.manage}`, status: 400, shape: 'html' },
  { name: '/confirm: broken percent-encoding', method: 'get', path: '/confirm/%E0%A4%A', status: 400, shape: 'html' },
  {
    name: '/confirm: a validly signed token for subscriber 2147483648 (beyond int4)',
    method: 'get',
    path: () => `/confirm/${createToken(secretKey, 'confirm', { sub: Number(PAST_INT4) })}`,
    status: [400, 404],
    shape: 'html',
  },
  {
    name: '/confirm/:token/renew without CSRF',
    method: 'post',
    path: (s) => `/confirm/${s.confirm}/renew`,
    type: FORM,
    body: 'x=1',
    status: 403,
    shape: 'html',
  },
  {
    name: '/preferences: tampered token',
    method: 'get',
    path: (s) => `/preferences/${tamper(s.manage)}`,
    status: 400,
    shape: 'html',
  },
  {
    name: '/preferences: 10,000-character token',
    method: 'get',
    path: `/preferences/${'x'.repeat(10_000)}`,
    status: 400,
    shape: 'html',
  },
  {
    name: '/preferences: invalid UTF-8 in the path',
    method: 'get',
    path: '/preferences/%ff%fe',
    status: 400,
    shape: 'html',
  },
  {
    name: '/preferences POST: CR/LF in the time zone',
    method: 'post',
    path: (s) => `/preferences/${s.manage}`,
    type: FORM,
    body: (s) =>
      `lists=trending&timezone=${encodeURIComponent('Europe/Paris\r\nBcc: victim@evil.test')}&sendHour=7&frequency=daily&weekday=1&_csrf=${s.csrf}`,
    status: 400,
    shape: 'html',
  },
  {
    name: '/preferences POST: sendHour 1e308 and a script list',
    method: 'post',
    path: (s) => `/preferences/${s.manage}`,
    type: FORM,
    body: (s) =>
      `lists=${encodeURIComponent(XSS)}&timezone=UTC&sendHour=1e308&frequency=daily&weekday=1&_csrf=${s.csrf}`,
    status: 400,
    shape: 'html',
  },
  {
    name: '/preferences POST without CSRF',
    method: 'post',
    path: (s) => `/preferences/${s.manage}`,
    type: FORM,
    body: 'lists=trending&action=resubscribe',
    status: 403,
    shape: 'html',
  },
  {
    name: '/preferences POST as JSON',
    method: 'post',
    path: (s) => `/preferences/${s.manage}`,
    type: 'application/json',
    body: { lists: ['trending'] },
    status: 403,
    shape: 'json',
  },
  {
    name: '/preferences POST: 1 MB form',
    method: 'post',
    path: (s) => `/preferences/${s.manage}`,
    type: FORM,
    body: `lists=${'a'.repeat(1_100_000)}`,
    status: 413,
    shape: 'html',
  },
  {
    name: '/unsubscribe: tampered token',
    method: 'get',
    path: (s) => `/unsubscribe/${tamper(s.unsubscribe)}`,
    status: 400,
    shape: 'html',
  },
  {
    name: '/unsubscribe: overlong token',
    method: 'get',
    path: `/unsubscribe/${'A'.repeat(600)}.${'B'.repeat(43)}`,
    status: 400,
    shape: 'html',
  },
  {
    name: '/unsubscribe one-click: tampered token',
    method: 'post',
    path: (s) => `/unsubscribe/${tamper(s.unsubscribe)}`,
    type: FORM,
    body: 'List-Unsubscribe=One-Click',
    status: 400,
    shape: 'html',
  },
  {
    name: '/unsubscribe POST: not one-click, no CSRF',
    method: 'post',
    path: (s) => `/unsubscribe/${s.unsubscribe}`,
    type: 'text/plain',
    body: `List-Unsubscribe=${XSS}`,
    status: 403,
    shape: 'html',
  },
  {
    name: '/unsubscribe POST: 1 MB multipart',
    method: 'post',
    path: (s) => `/unsubscribe/${s.unsubscribe}`,
    type: 'multipart/form-data; boundary=b',
    body: 'x'.repeat(1_100_000),
    status: 413,
    shape: 'html',
  },
  {
    name: '/unsubscribe POST: NUL and binary as text/plain',
    method: 'post',
    path: (s) => `/unsubscribe/${s.unsubscribe}`,
    type: 'text/plain',
    body: Buffer.concat([Buffer.from('List-Unsubscribe=One-Click\u0000'), BAD_UTF8]),
    status: 403,
    shape: 'html',
  },
  {
    name: '/digests/:id beyond int4',
    method: 'get',
    path: `/digests/${PAST_INT4}?t=abc.def`,
    status: 400,
    shape: 'html',
  },
  {
    name: '/digests/:id of 20 digits',
    method: 'get',
    path: `/digests/${HUGE_INT}?t=abc.def`,
    status: 400,
    shape: 'html',
  },
  { name: '/digests/:id negative', method: 'get', path: '/digests/-1?t=abc.def', status: 400, shape: 'html' },
  {
    name: '/digests/:id SQL',
    method: 'get',
    path: `/digests/${encodeURIComponent(`1 ${SQL_OR}`)}?t=abc.def`,
    status: 400,
    shape: 'html',
  },
  { name: '/digests/:id without a token', method: 'get', path: '/digests/1', status: 400, shape: 'html' },
  {
    name: '/digests/:id with a tampered token',
    method: 'get',
    path: (s) => `${s.view.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'))}`,
    status: 400,
    shape: 'html',
  },
  {
    name: '/digests/:id with two tokens',
    method: 'get',
    path: (s) => `${s.view}&t=another`,
    status: 400,
    shape: 'html',
  },
  {
    name: '/digests/:id with a 6,000-character token',
    method: 'get',
    path: `/digests/1?t=${'a'.repeat(6_000)}`,
    status: 400,
    shape: 'html',
  },
  {
    name: "/digests/:id with another delivery's token",
    method: 'get',
    path: (s) => s.view.replace(/^\/digests\/(\d+)/, (_m, id: string) => `/digests/${Number(id) + 1}`),
    status: 400,
    shape: 'html',
  },
  {
    name: '/digests/:id with a script token',
    method: 'get',
    path: `/digests/1?t=${encodeURIComponent(XSS)}`,
    status: 400,
    shape: 'html',
  },
];

const otherCases: Case[] = [
  {
    name: 'GET / with a script in the query',
    method: 'get',
    path: `/?email=${encodeURIComponent(XSS)}&q=${encodeURIComponent(SQL_DROP)}`,
    status: 200,
    shape: 'html',
  },
  {
    name: 'GET / with a garbage CSRF cookie',
    method: 'get',
    path: '/',
    headers: { Cookie: `pb_csrf=${encodeURIComponent(XSS)}; other=\u00ff` },
    status: 200,
    shape: 'html',
  },
  {
    name: 'unknown path holding a script',
    method: 'get',
    path: `/${encodeURIComponent(XSS)}`,
    status: 404,
    shape: 'html',
  },
  { name: 'static path traversal', method: 'get', path: '/static/..%2f..%2fpackage.json', status: 404, shape: 'html' },
  { name: 'static NUL', method: 'get', path: '/static/app.css%00.js', status: [400, 404], shape: 'any' },
  {
    name: 'a made-up method',
    method: 'put',
    path: '/subscribe',
    type: 'application/json',
    body: { email: 'a@b.co' },
    status: 404,
    shape: 'json',
  },
  {
    name: '/healthz with a 1 MB body',
    method: 'get',
    path: '/healthz',
    type: 'application/json',
    body: bigJson(),
    status: 200,
    shape: 'any',
  },
];

let secretKey = '';

describe('hostile inputs: public endpoints', () => {
  let env: TestEnv;
  let app: ReturnType<typeof createApp>;
  let workers: RunningWorkers;
  let outbox: OutboxPoller;
  let session: Session;
  let readerId: number;

  beforeAll(async () => {
    env = await createTestEnv({ SIGNUP_LIMIT_PER_IP: '100000', SIGNUP_LIMIT_PER_ADDRESS: '1000' });
    secretKey = env.config.secretKey;
    app = createApp(env.ctx);
    workers = startWorkers(env.ctx, { mail: createMailProcessor });
    outbox = startOutboxPoller(env.ctx, { pollMs: 100 });
    await createLists(env.ctx.db);
    const paper = await env.ctx.db.paper.create({
      data: {
        key: '2511.00001',
        arxivId: '2511.00001',
        title: `Attention ${XSS}${IMG_XSS}`,
        abstract: `An abstract ${XSS}`,
        upvotes: 50,
        source: 'admin',
      },
    });
    const trending = await env.ctx.db.list.findUniqueOrThrow({ where: { slug: 'trending' } });
    const reader = await env.ctx.db.subscriber.create({
      data: {
        email: 'reader@example.org',
        status: 'active',
        confirmedAt: new Date(),
        subscriptions: { create: [{ listId: trending.id, confirmedAt: new Date() }] },
      },
    });
    readerId = reader.id;
    const digest = await env.ctx.db.digest.create({ data: { period: '2026-01-05', status: 'done' } });
    const delivery = await env.ctx.db.delivery.create({
      data: {
        digestId: digest.id,
        subscriberId: reader.id,
        status: 'sent',
        messageId: '<hostile-1@paperboy.test>',
        paperIds: [paper.id],
      },
    });
    const form = await openForm(app);
    const links = subscriberLinks(env.config, reader.id);
    const path = (url: string) => new URL(url).pathname + new URL(url).search;
    session = {
      cookie: form.cookie,
      csrf: form.token,
      manage: links.preferences.split('/').pop()!,
      unsubscribe: links.unsubscribe.split('/').pop()!,
      confirm: links.confirm.split('/').pop()!,
      view: path(digestViewLink(env.config, reader.id, delivery.id)),
    };
  });

  afterAll(async () => {
    await outbox?.stop();
    await workers?.close();
    await env?.cleanup();
  });

  const tables: Array<[string, Case[]]> = [
    ['sign-up', signupCases],
    ['email links and the digest view', linkCases],
    ['landing, static and unknown paths', otherCases],
  ];
  const total = tables.reduce((n, [, cases]) => n + cases.length, 0);

  it(`has ${total} hostile public requests (at least 50)`, () => {
    expect(total).toBeGreaterThanOrEqual(50);
  });

  for (const [group, cases] of tables) {
    describe(group, () => {
      it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
        await runHostileCase(app, env.ctx.db, c, session, withCookie(session));
      });
    });
  }

  it('the valid view link still works and shows the hostile title escaped', async () => {
    const res = await request(app).get(session.view).timeout({ deadline: 5_000 });
    expect(res.status).toBe(200);
    expect(res.text).toContain('Attention &lt;script&gt;alert(1)&lt;/script&gt;');
    expectNoRawMarkup(res.text, 'digest view');
  });

  it('the landing page shows the hostile paper title on its card, escaped', async () => {
    const res = await request(app).get('/');
    expect(res.status).toBe(200);
    expect(res.text).toContain(
      'Attention &lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;img src=x onerror=alert(1)&gt;',
    );
    expectNoRawMarkup(res.text, 'landing page');
  });

  it('a SQL-looking but valid address is stored as text, and the tables are still there', async () => {
    const email = "o'brien+drop--table@example.org";
    const res = await request(app)
      .post('/subscribe')
      .send({ ...VALID_SIGNUP, email })
      .timeout({ deadline: 5_000 });
    expect(res.status).toBe(202);
    const row = await env.ctx.db.subscriber.findUniqueOrThrow({
      where: { email },
      include: { subscriptions: true, consents: true },
    });
    expect(row.status).toBe('pending');
    expect(row.subscriptions).toHaveLength(2);
    expect(row.consents).toHaveLength(1);
    expect(await env.ctx.db.subscriber.count()).toBe(2);
  });

  it('the reader behind the links is as before: still active, same preferences', async () => {
    const reader = await env.ctx.db.subscriber.findUniqueOrThrow({
      where: { id: readerId },
      include: { subscriptions: true },
    });
    expect(reader.status).toBe('active');
    expect(reader.timezone).toBe('UTC');
    expect(reader.subscriptions).toHaveLength(1);
  });

  it('no email went anywhere but to the one valid sign-up, and no header was injected', async () => {
    await env.sink.waitFor(1, { timeoutMs: 10_000 });
    // Give any stray job that slipped through the time to be sent too.
    await new Promise((resolve) => setTimeout(resolve, 500));
    for (const mail of env.sink.messages) {
      expect(mail.envelope.to).toEqual(["o'brien+drop--table@example.org"]);
      const head = mail.raw.split(/\r?\n\r?\n/)[0]!;
      expect(head).not.toMatch(/^bcc:/im);
      expect(mail.raw).not.toContain('victim@evil.test');
    }
    expect(env.sink.messages).toHaveLength(1);
    expectPrototypeClean();
  });
});
