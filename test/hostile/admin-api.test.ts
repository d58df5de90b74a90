// Hostile inputs against the admin API (/api/admin/*, the queue dashboard)
// and its CSV import: bad tokens, oversized and mistyped bodies, invalid
// UTF-8, NUL and CR/LF, SQL-looking strings, giant and negative numbers,
// deep JSON, prototype keys, spreadsheet formulas. Each row must pass the
// checks in hostile-support.ts; a rejected row must leave every table as it was.
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeCursor } from '../../src/http/admin/schemas.js';
import { createApp } from '../../src/http/app.js';
import { createTestEnv, type TestEnv } from '../helpers/context.js';
import {
  BAD_UTF8,
  BILLION_LAUGHS,
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
  runHostileCase,
  snapshotTables,
  type HostileCase,
} from './hostile-support.js';

interface Session {
  subscriberId: number;
}
type Case = HostileCase<Session>;

const CSV_HEADER = 'email,lists,timezone,sendHour,frequency';
const csv = (...rows: string[]) => [CSV_HEADER, ...rows].join('\r\n') + '\r\n';
/** One CSV cell, quoted as a spreadsheet would write it. */
const cell = (value: string) => `"${value.replace(/"/g, '""')}"`;
const q = encodeURIComponent;
const base64Cursor = (text: string) => Buffer.from(text, 'utf8').toString('base64url');

const authCases: Case[] = [
  {
    name: 'no Authorization header',
    method: 'get',
    path: '/api/admin/lists',
    headers: { Authorization: '' },
    status: 401,
    shape: 'json',
  },
  {
    name: 'a wrong bearer token',
    method: 'get',
    path: '/api/admin/subscribers',
    headers: { Authorization: 'Bearer pb_wrong' },
    status: 401,
    shape: 'json',
  },
  {
    name: 'an SQL bearer token',
    method: 'get',
    path: '/api/admin/lists',
    headers: { Authorization: `Bearer ${SQL_OR.replace(/ /g, '')}` },
    status: 401,
    shape: 'json',
  },
  {
    name: 'a 600-character bearer token',
    method: 'get',
    path: '/api/admin/lists',
    headers: { Authorization: `Bearer ${'x'.repeat(600)}` },
    status: 401,
    shape: 'json',
  },
  {
    name: 'Basic auth on the JSON API',
    method: 'get',
    path: '/api/admin/lists',
    headers: { Authorization: `Basic ${Buffer.from('admin:test-admin-token-0123456789').toString('base64')}` },
    status: 401,
    shape: 'json',
  },
  {
    name: 'a 1 MB body without a token',
    method: 'post',
    path: '/api/admin/lists',
    headers: { Authorization: '' },
    type: 'application/json',
    body: bigJson(),
    status: 401,
    shape: 'json',
  },
  {
    name: 'the queue dashboard without a token',
    method: 'get',
    path: '/admin/queues',
    headers: { Authorization: '' },
    status: 401,
    shape: 'json',
  },
  {
    name: 'the queue dashboard with garbage Basic auth',
    method: 'get',
    path: '/admin/queues/api/queues',
    headers: { Authorization: `Basic ${Buffer.from(`x:${XSS}`).toString('base64')}` },
    status: 401,
    shape: 'json',
  },
];

const listCases: Case[] = [
  {
    name: 'POST /lists: 1 MB body',
    method: 'post',
    path: '/api/admin/lists',
    type: 'application/json',
    body: bigJson(),
    status: 413,
    shape: 'json',
  },
  {
    name: 'POST /lists: text/plain',
    method: 'post',
    path: '/api/admin/lists',
    type: 'text/plain',
    body: '{"slug":"x","name":"X"}',
    status: 415,
    shape: 'json',
  },
  {
    name: 'POST /lists: multipart',
    method: 'post',
    path: '/api/admin/lists',
    type: 'multipart/form-data; boundary=b',
    body: '--b\r\nContent-Disposition: form-data; name="slug"\r\n\r\nx\r\n--b--\r\n',
    status: 415,
    shape: 'json',
  },
  {
    name: 'POST /lists: application/xml (billion laughs)',
    method: 'post',
    path: '/api/admin/lists',
    type: 'application/xml',
    body: BILLION_LAUGHS,
    status: 415,
    shape: 'json',
  },
  {
    name: 'POST /lists: a form',
    method: 'post',
    path: '/api/admin/lists',
    type: 'application/x-www-form-urlencoded',
    body: 'slug=x&name=X',
    status: 415,
    shape: 'json',
  },
  {
    name: 'POST /lists: invalid UTF-8 in the slug',
    method: 'post',
    path: '/api/admin/lists',
    type: 'application/json',
    body: Buffer.concat([Buffer.from('{"name":"N","slug":"a'), BAD_UTF8, Buffer.from('"}')]),
    status: 400,
    shape: 'json',
  },
  {
    name: 'POST /lists: NUL in the name',
    method: 'post',
    path: '/api/admin/lists',
    body: { slug: 'nul', name: 'a\u0000b' },
    status: 400,
    shape: 'json',
  },
  {
    name: 'POST /lists: NUL in a keyword',
    method: 'post',
    path: '/api/admin/lists',
    body: { slug: 'nul', name: 'N', keywords: ['x\u0000'] },
    status: 400,
    shape: 'json',
  },
  {
    name: 'POST /lists: NUL in the description',
    method: 'post',
    path: '/api/admin/lists',
    body: { slug: 'nul', name: 'N', description: 'a\u0000' },
    status: 400,
    shape: 'json',
  },
  {
    name: 'POST /lists: CR/LF in the name',
    method: 'post',
    path: '/api/admin/lists',
    body: { slug: 'crlf', name: 'News\r\nBcc: victim@evil.test' },
    status: 400,
    shape: 'json',
  },
  {
    name: 'POST /lists: CR/LF in the slug',
    method: 'post',
    path: '/api/admin/lists',
    body: { slug: 'a\r\nb', name: 'N' },
    status: 400,
    shape: 'json',
  },
  {
    name: 'POST /lists: SQL slug',
    method: 'post',
    path: '/api/admin/lists',
    body: { slug: SQL_DROP, name: 'N' },
    status: 400,
    shape: 'json',
  },
  {
    name: 'POST /lists: script slug',
    method: 'post',
    path: '/api/admin/lists',
    body: { slug: XSS, name: 'N' },
    status: 400,
    shape: 'json',
  },
  {
    name: 'POST /lists: __proto__ and constructor keys',
    method: 'post',
    path: '/api/admin/lists',
    type: 'application/json',
    body: '{"slug":"proto","name":"P","__proto__":{"polluted":"yes","isAdmin":true},"constructor":{"prototype":{"polluted":"yes"}}}',
    status: 400,
    shape: 'json',
    check: () => expectPrototypeClean(),
  },
  {
    name: 'POST /lists: 10,000 nested arrays as keywords',
    method: 'post',
    path: '/api/admin/lists',
    type: 'application/json',
    body: `{"slug":"deep","name":"D","keywords":${deepArrays(10_000)}}`,
    status: 400,
    shape: 'json',
  },
  {
    name: 'POST /lists: 10,000 nested objects',
    method: 'post',
    path: '/api/admin/lists',
    type: 'application/json',
    body: '{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000),
    status: 400,
    shape: 'json',
  },
  {
    name: 'POST /lists: minUpvotes 1e308',
    method: 'post',
    path: '/api/admin/lists',
    body: { slug: 'big', name: 'B', minUpvotes: 1e308 },
    status: 400,
    shape: 'json',
  },
  {
    name: 'POST /lists: minUpvotes of 20 digits',
    method: 'post',
    path: '/api/admin/lists',
    type: 'application/json',
    body: `{"slug":"big","name":"B","minUpvotes":${HUGE_INT}}`,
    status: 400,
    shape: 'json',
  },
  {
    name: 'POST /lists: maxPapers -1',
    method: 'post',
    path: '/api/admin/lists',
    body: { slug: 'neg', name: 'N', maxPapers: -1 },
    status: 400,
    shape: 'json',
  },
  {
    name: 'POST /lists: 200,000 keywords',
    method: 'post',
    path: '/api/admin/lists',
    body: { slug: 'many', name: 'M', keywords: Array.from({ length: 200_000 }, () => 'k') },
    status: 400,
    shape: 'json',
  },
  {
    name: 'GET /lists/:list beyond int4',
    method: 'get',
    path: `/api/admin/lists/${PAST_INT4}`,
    status: 404,
    shape: 'json',
  },
  {
    name: 'GET /lists/:list of 20 digits',
    method: 'get',
    path: `/api/admin/lists/${HUGE_INT}`,
    status: 404,
    shape: 'json',
  },
  { name: 'GET /lists/:list negative', method: 'get', path: '/api/admin/lists/-1', status: 404, shape: 'json' },
  { name: 'GET /lists/:list NUL', method: 'get', path: '/api/admin/lists/a%00b', status: 400, shape: 'json' },
  { name: 'GET /lists/:list SQL', method: 'get', path: `/api/admin/lists/${q(SQL_OR)}`, status: 404, shape: 'json' },
  {
    name: 'GET /lists/:list invalid UTF-8',
    method: 'get',
    path: '/api/admin/lists/%ff%fe',
    status: 400,
    shape: 'json',
  },
  {
    name: 'GET /lists/:list/matches beyond int4',
    method: 'get',
    path: `/api/admin/lists/${PAST_INT4}/matches`,
    status: 404,
    shape: 'json',
  },
  {
    name: 'PATCH /lists/:list as text/plain',
    method: 'patch',
    path: '/api/admin/lists/trending',
    type: 'text/plain',
    body: 'name=Hacked',
    status: 415,
    shape: 'json',
  },
  {
    name: 'PATCH /lists/:list NUL name',
    method: 'patch',
    path: '/api/admin/lists/trending',
    body: { name: '\u0000' },
    status: 400,
    shape: 'json',
  },
  {
    name: 'PATCH /lists/:list slug to SQL',
    method: 'patch',
    path: '/api/admin/lists/trending',
    body: { slug: SQL_OR },
    status: 400,
    shape: 'json',
  },
  {
    name: 'DELETE /lists/:list?force=SQL',
    method: 'delete',
    path: `/api/admin/lists/trending?force=${q(SQL_OR)}`,
    status: 400,
    shape: 'json',
  },
  {
    name: 'POST /lists/matches?days=1e308',
    method: 'post',
    path: '/api/admin/lists/matches?days=1e308',
    body: {},
    status: 400,
    shape: 'json',
  },
  {
    name: 'POST /lists/matches?limit=20 digits',
    method: 'post',
    path: `/api/admin/lists/matches?limit=${HUGE_INT}`,
    body: {},
    status: 400,
    shape: 'json',
  },
];

const subscriberCases: Case[] = [
  {
    name: 'GET /subscribers?q=SQL OR',
    method: 'get',
    path: `/api/admin/subscribers?q=${q(SQL_OR)}`,
    status: 200,
    shape: 'json',
    check: (res) => expect(res.body.items).toEqual([]),
  },
  {
    name: 'GET /subscribers?q=DROP TABLE',
    method: 'get',
    path: `/api/admin/subscribers?q=${q(SQL_DROP)}`,
    status: 200,
    shape: 'json',
  },
  {
    name: 'GET /subscribers?q=LIKE wildcards',
    method: 'get',
    path: `/api/admin/subscribers?q=${q('%_\\')}`,
    status: 200,
    shape: 'json',
    check: (res) => expect(res.body.items).toEqual([]),
  },
  { name: 'GET /subscribers?q=NUL', method: 'get', path: '/api/admin/subscribers?q=%00', status: 400, shape: 'json' },
  {
    name: 'GET /subscribers?list=NUL',
    method: 'get',
    path: '/api/admin/subscribers?list=a%00',
    status: 400,
    shape: 'json',
  },
  {
    name: 'GET /subscribers?status=SQL',
    method: 'get',
    path: `/api/admin/subscribers?status=${q("active' OR '1'='1")}`,
    status: 400,
    shape: 'json',
  },
  {
    name: 'GET /subscribers?cursor=SQL',
    method: 'get',
    path: `/api/admin/subscribers?cursor=${q(SQL_OR)}`,
    status: 400,
    shape: 'json',
  },
  {
    name: 'GET /subscribers?cursor beyond int4',
    method: 'get',
    path: `/api/admin/subscribers?cursor=${base64Cursor('id:9999999999')}`,
    status: 400,
    shape: 'json',
  },
  {
    name: 'GET /subscribers?cursor negative',
    method: 'get',
    path: `/api/admin/subscribers?cursor=${base64Cursor('id:-1')}`,
    status: 400,
    shape: 'json',
  },
  {
    name: 'GET /subscribers?cursor of SQL in base64',
    method: 'get',
    path: `/api/admin/subscribers?cursor=${base64Cursor(`id:1${SQL_OR}`)}`,
    status: 400,
    shape: 'json',
  },
  {
    name: 'GET /subscribers?limit=20 digits',
    method: 'get',
    path: `/api/admin/subscribers?limit=${HUGE_INT}`,
    status: 400,
    shape: 'json',
  },
  {
    name: 'GET /subscribers?limit=-1',
    method: 'get',
    path: '/api/admin/subscribers?limit=-1',
    status: 400,
    shape: 'json',
  },
  {
    name: 'GET /subscribers?limit twice',
    method: 'get',
    path: '/api/admin/subscribers?limit=1&limit=2',
    status: 400,
    shape: 'json',
  },
  {
    name: 'GET /subscribers/:id beyond int4',
    method: 'get',
    path: `/api/admin/subscribers/${PAST_INT4}`,
    status: 400,
    shape: 'json',
  },
  {
    name: 'GET /subscribers/:id negative',
    method: 'get',
    path: '/api/admin/subscribers/-1',
    status: 400,
    shape: 'json',
  },
  {
    name: 'GET /subscribers/:id 1e308',
    method: 'get',
    path: '/api/admin/subscribers/1e308',
    status: 400,
    shape: 'json',
  },
  { name: 'GET /subscribers/:id NaN', method: 'get', path: '/api/admin/subscribers/NaN', status: 400, shape: 'json' },
  {
    name: 'GET /subscribers/:id SQL',
    method: 'get',
    path: `/api/admin/subscribers/${q(`1 ${SQL_OR}`)}`,
    status: 400,
    shape: 'json',
  },
  {
    name: 'POST /subscribers: CR/LF + Bcc in the email',
    method: 'post',
    path: '/api/admin/subscribers',
    body: { email: CRLF_BCC, lists: ['trending'] },
    status: 400,
    shape: 'json',
  },
  {
    name: 'POST /subscribers: NUL in the email',
    method: 'post',
    path: '/api/admin/subscribers',
    body: { email: 'a\u0000@example.org', lists: ['trending'] },
    status: 400,
    shape: 'json',
  },
  {
    name: 'POST /subscribers: SQL email',
    method: 'post',
    path: '/api/admin/subscribers',
    body: { email: `${SQL_DROP}@example.org`, lists: ['trending'] },
    status: 400,
    shape: 'json',
  },
  {
    name: 'POST /subscribers: script list slug',
    method: 'post',
    path: '/api/admin/subscribers',
    body: { email: 'a@example.org', lists: [XSS] },
    status: 400,
    shape: 'json',
  },
  {
    name: 'POST /subscribers: sendHour 1e308',
    method: 'post',
    path: '/api/admin/subscribers',
    body: { email: 'a@example.org', lists: ['trending'], sendHour: 1e308 },
    status: 400,
    shape: 'json',
  },
  {
    name: 'POST /subscribers: CR/LF in the time zone',
    method: 'post',
    path: '/api/admin/subscribers',
    body: { email: 'a@example.org', lists: ['trending'], timezone: 'UTC\r\nX: y' },
    status: 400,
    shape: 'json',
  },
  {
    name: 'POST /subscribers: status "deleted"',
    method: 'post',
    path: '/api/admin/subscribers',
    body: { email: 'a@example.org', lists: ['trending'], status: 'deleted' },
    status: 400,
    shape: 'json',
  },
  {
    name: 'POST /subscribers: an unknown list',
    method: 'post',
    path: '/api/admin/subscribers',
    body: { email: 'a@example.org', lists: ['trending', 'nope'] },
    status: 400,
    shape: 'json',
  },
  {
    name: 'PATCH /subscribers/:id beyond int4',
    method: 'patch',
    path: `/api/admin/subscribers/${PAST_INT4}`,
    body: { status: 'active' },
    status: 400,
    shape: 'json',
  },
  {
    name: 'PATCH /subscribers/:id weekday 1e308',
    method: 'patch',
    path: (s) => `/api/admin/subscribers/${s.subscriberId}`,
    body: { weekday: 1e308 },
    status: 400,
    shape: 'json',
  },
  {
    name: 'PATCH /subscribers/:id as a form',
    method: 'patch',
    path: (s) => `/api/admin/subscribers/${s.subscriberId}`,
    type: 'application/x-www-form-urlencoded',
    body: 'status=unsubscribed',
    status: 415,
    shape: 'json',
  },
  {
    name: 'DELETE /subscribers/:id of 20 digits',
    method: 'delete',
    path: `/api/admin/subscribers/${HUGE_INT}`,
    status: 400,
    shape: 'json',
  },
  {
    name: 'POST /subscribers/:id/erase negative',
    method: 'post',
    path: '/api/admin/subscribers/-5/erase',
    status: 400,
    shape: 'json',
  },
];

const importCases: Case[] = [
  {
    name: 'CSV import: formula cells in every column',
    method: 'post',
    path: '/api/admin/subscribers/import?status=active',
    type: 'text/csv',
    body: csv(
      `${cell('=HYPERLINK("http://evil.test","x")')},trending,UTC,7,daily`,
      "+cmd|' /C calc'!A0,trending,UTC,7,daily",
      'a@example.org,=1+1,UTC,7,daily',
      'b@example.org,trending,@SUM(A1),7,daily',
      'c@example.org,trending,UTC,-2+3,daily',
    ),
    status: 200,
    shape: 'json',
    check: (res) => expect(res.body).toMatchObject({ rows: 5, created: 0, errorCount: 5 }),
  },
  {
    name: 'CSV import: quotes and an embedded CR/LF + Bcc in the email cell',
    method: 'post',
    path: '/api/admin/subscribers/import?status=active',
    type: 'text/csv',
    body: csv(`"${CRLF_BCC}",trending,UTC,7,daily`, '"d@example.org""x",trending,UTC,7,daily'),
    status: 200,
    shape: 'json',
    check: (res) => expect(res.body).toMatchObject({ created: 0, errorCount: 2 }),
  },
  {
    name: 'CSV import: an unclosed quote',
    method: 'post',
    path: '/api/admin/subscribers/import?status=active',
    type: 'text/csv',
    body: csv('"e@example.org,trending,UTC,7,daily'),
    status: 400,
    shape: 'json',
  },
  {
    name: 'CSV import: a quote in the middle of a cell',
    method: 'post',
    path: '/api/admin/subscribers/import?status=active',
    type: 'text/csv',
    body: csv('f@exa"mple.org,trending,UTC,7,daily'),
    status: [200, 400],
    shape: 'json',
  },
  {
    name: 'CSV import: 10,000-character cells',
    method: 'post',
    path: '/api/admin/subscribers/import?status=active',
    type: 'text/csv',
    body: csv(
      `${'g'.repeat(10_000)}@example.org,trending,UTC,7,daily`,
      `h@example.org,${'t'.repeat(10_000)},UTC,7,daily`,
      `i@example.org,trending,${'U'.repeat(10_000)},7,daily`,
    ),
    status: 200,
    shape: 'json',
    check: (res) => expect(res.body).toMatchObject({ created: 0, errorCount: 3 }),
  },
  {
    name: 'CSV import: a 100 KB record',
    method: 'post',
    path: '/api/admin/subscribers/import?status=active',
    type: 'text/csv',
    body: csv(`"${'j'.repeat(100_000)}",trending,UTC,7,daily`),
    status: 400,
    shape: 'json',
  },
  {
    name: 'CSV import: a binary file',
    method: 'post',
    path: '/api/admin/subscribers/import?status=active',
    type: 'text/csv',
    body: Buffer.from([
      0x00, 0x01, 0x02, 0xff, 0xfe, 0x00, 0x0a, 0x0d, 0x22, 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a,
    ]),
    status: 400,
    shape: 'json',
  },
  {
    name: 'CSV import: a PNG signature and random bytes',
    method: 'post',
    path: '/api/admin/subscribers/import?status=active',
    type: 'text/csv',
    body: Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(4096, 0xa5)]),
    status: [200, 400],
    shape: 'json',
  },
  {
    name: 'CSV import: NUL, invalid UTF-8 and SQL in cells',
    method: 'post',
    path: '/api/admin/subscribers/import?status=active',
    type: 'text/csv',
    body: Buffer.concat([
      Buffer.from(
        `${CSV_HEADER}\nk\u0000@example.org,trending,UTC,7,daily\nl@example.org,trend\u0000ing,UTC,7,daily\n`,
      ),
      Buffer.from('m'),
      BAD_UTF8,
      Buffer.from(
        `@example.org,trending,UTC,7,daily\n${cell(`x${SQL_DROP.replace(/ /g, '')}@example.org`)},trending,UTC,7,daily\n`,
      ),
    ]),
    status: 200,
    shape: 'json',
    check: (res) => expect(res.body).toMatchObject({ created: 0, errorCount: 4 }),
  },
  {
    name: 'CSV import: header row of scripts',
    method: 'post',
    path: '/api/admin/subscribers/import',
    type: 'text/csv',
    body: `${XSS},${IMG_XSS}\nn@example.org,trending\n`,
    status: 400,
    shape: 'json',
  },
  {
    name: 'CSV import: only a BOM',
    method: 'post',
    path: '/api/admin/subscribers/import',
    type: 'text/csv',
    body: '\ufeff',
    status: 400,
    shape: 'json',
  },
  {
    name: 'CSV import: sent as JSON',
    method: 'post',
    path: '/api/admin/subscribers/import',
    type: 'application/json',
    body: { email: 'o@example.org' },
    status: 415,
    shape: 'json',
  },
  {
    name: 'CSV import: sent as multipart',
    method: 'post',
    path: '/api/admin/subscribers/import',
    type: 'multipart/form-data; boundary=b',
    body: `--b\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\n${csv('p@example.org,trending,UTC,7,daily')}--b--\r\n`,
    status: 415,
    shape: 'json',
  },
  {
    name: 'CSV import: ?status=SQL',
    method: 'post',
    path: `/api/admin/subscribers/import?status=${q(SQL_OR)}`,
    type: 'text/csv',
    body: csv('q@example.org,trending,UTC,7,daily'),
    status: 400,
    shape: 'json',
  },
  {
    name: 'CSV import: a BOM and CRLF line ends are read as a normal file',
    method: 'post',
    path: '/api/admin/subscribers/import?status=active',
    type: 'text/csv',
    body: `\ufeff${csv('bom@example.org,trending|llm,Europe/Paris,9,weekly')}`,
    status: 200,
    shape: 'json',
    stores: true,
    check: (res) => expect(res.body).toMatchObject({ created: 1, errorCount: 0 }),
  },
];

const paperCases: Case[] = [
  { name: 'GET /papers?q=SQL', method: 'get', path: `/api/admin/papers?q=${q(SQL_DROP)}`, status: 200, shape: 'json' },
  {
    name: 'GET /papers?q=tsquery operators',
    method: 'get',
    path: `/api/admin/papers?q=${q("!:*&|()<->'\\")}`,
    status: 200,
    shape: 'json',
  },
  { name: 'GET /papers?q=NUL', method: 'get', path: '/api/admin/papers?q=a%00b', status: 400, shape: 'json' },
  {
    name: 'GET /papers?since=2024-13-45',
    method: 'get',
    path: '/api/admin/papers?since=2024-13-45',
    status: 400,
    shape: 'json',
  },
  {
    name: 'GET /papers?since=0000-00-00',
    method: 'get',
    path: '/api/admin/papers?since=0000-00-00',
    status: 400,
    shape: 'json',
  },
  {
    name: 'GET /papers?hidden=SQL',
    method: 'get',
    path: `/api/admin/papers?hidden=${q(SQL_OR)}`,
    status: 400,
    shape: 'json',
  },
  {
    name: 'GET /papers/:id beyond int4',
    method: 'get',
    path: `/api/admin/papers/${PAST_INT4}`,
    status: 400,
    shape: 'json',
  },
  {
    name: 'POST /papers/:id/hide negative',
    method: 'post',
    path: '/api/admin/papers/-1/hide',
    status: 400,
    shape: 'json',
  },
  {
    name: 'POST /papers: 1 MB body',
    method: 'post',
    path: '/api/admin/papers',
    type: 'application/json',
    body: bigJson(),
    status: 413,
    shape: 'json',
  },
  {
    name: 'POST /papers: text/plain',
    method: 'post',
    path: '/api/admin/papers',
    type: 'text/plain',
    body: '{"title":"T"}',
    status: 415,
    shape: 'json',
  },
  {
    name: 'POST /papers: billion laughs as application/xml',
    method: 'post',
    path: '/api/admin/papers',
    type: 'application/xml',
    body: BILLION_LAUGHS,
    status: 415,
    shape: 'json',
  },
  {
    name: 'POST /papers: 10,000 nested arrays',
    method: 'post',
    path: '/api/admin/papers',
    type: 'application/json',
    body: deepArrays(10_000),
    status: [200, 400],
    shape: 'json',
  },
  {
    name: 'POST /papers: 5,001 papers',
    method: 'post',
    path: '/api/admin/papers',
    body: Array.from({ length: 5001 }, () => ({})),
    status: 413,
    shape: 'json',
  },
  {
    name: 'POST /papers: lone UTF-16 surrogates in the title, abstract and authors are stored as U+FFFD',
    method: 'post',
    path: '/api/admin/papers',
    type: 'application/json',
    body: '{"arxivId":"2601.00009","title":"Lone \\ud800 surrogate","abstract":"\\udfff","authors":["A\\ud83d"]}',
    status: 201,
    shape: 'json',
    stores: true,
  },
  {
    name: 'POST /papers: a bare number',
    method: 'post',
    path: '/api/admin/papers',
    type: 'application/json',
    body: '1e308',
    status: 400,
    shape: 'json',
  },
  {
    name: 'POST /papers: every item bad (upvotes 1e308, negative, SQL id, javascript: URL, __proto__)',
    method: 'post',
    path: '/api/admin/papers',
    type: 'application/json',
    body: JSON.stringify([
      { title: 'T1', upvotes: 1e308 },
      { title: 'T2', upvotes: -1 },
      { title: 'T3', arxivId: SQL_OR },
      { title: 'T4', url: 'javascript:alert(1)' },
      { title: '' },
    ]).replace(/^\[/, '[{"__proto__":{"polluted":"yes"},"title":"T0","extra":1},'),
    status: 200,
    shape: 'json',
    check: (res) => {
      expect(res.body).toMatchObject({ created: 0, updated: 0 });
      expect(res.body.skipped).toHaveLength(6);
      expectPrototypeClean();
    },
  },
];

const otherCases: Case[] = [
  {
    name: 'POST /digests: date 2024-13-45',
    method: 'post',
    path: '/api/admin/digests',
    body: { date: '2024-13-45' },
    status: 400,
    shape: 'json',
  },
  {
    name: 'POST /digests: SQL date',
    method: 'post',
    path: '/api/admin/digests',
    body: { date: SQL_OR },
    status: 400,
    shape: 'json',
  },
  {
    name: 'POST /digests: date 1e308',
    method: 'post',
    path: '/api/admin/digests',
    body: { date: 1e308 },
    status: 400,
    shape: 'json',
  },
  {
    name: 'POST /digests: as text/plain',
    method: 'post',
    path: '/api/admin/digests',
    type: 'text/plain',
    body: 'date=2026-01-05',
    status: 415,
    shape: 'json',
  },
  {
    name: 'GET /digests/:id beyond int4',
    method: 'get',
    path: `/api/admin/digests/${PAST_INT4}`,
    status: 400,
    shape: 'json',
  },
  {
    name: 'GET /digests?limit=20 digits',
    method: 'get',
    path: `/api/admin/digests?limit=${HUGE_INT}`,
    status: 400,
    shape: 'json',
  },
  {
    name: 'GET /digests/preview: subscriber beyond int4',
    method: 'get',
    path: `/api/admin/digests/preview?subscriber=${PAST_INT4}`,
    status: [400, 404],
    shape: 'json',
  },
  {
    name: 'GET /digests/preview: subscriber SQL',
    method: 'get',
    path: `/api/admin/digests/preview?subscriber=${q(SQL_OR)}`,
    status: 400,
    shape: 'json',
  },
  {
    name: 'GET /digests/preview: format=script',
    method: 'get',
    path: (s) => `/api/admin/digests/preview?subscriber=${s.subscriberId}&format=${q(XSS)}`,
    status: 400,
    shape: 'json',
  },
  {
    name: 'GET /digests/preview: date 9999-99-99',
    method: 'get',
    path: (s) => `/api/admin/digests/preview?subscriber=${s.subscriberId}&date=9999-99-99`,
    status: 400,
    shape: 'json',
  },
  {
    name: 'POST /deliveries/:id/resend beyond int4',
    method: 'post',
    path: `/api/admin/deliveries/${PAST_INT4}/resend`,
    status: 400,
    shape: 'json',
  },
  {
    name: 'POST /tokens: CR/LF in the name',
    method: 'post',
    path: '/api/admin/tokens',
    body: { name: 'bot\r\nX-Admin: yes' },
    status: 400,
    shape: 'json',
  },
  {
    name: 'POST /tokens: NUL in the name',
    method: 'post',
    path: '/api/admin/tokens',
    body: { name: 'bot\u0000' },
    status: 400,
    shape: 'json',
  },
  {
    name: 'POST /tokens: 10,000-character name',
    method: 'post',
    path: '/api/admin/tokens',
    body: { name: 'n'.repeat(10_000) },
    status: 400,
    shape: 'json',
  },
  {
    name: 'DELETE /tokens/:id of 20 digits',
    method: 'delete',
    path: `/api/admin/tokens/${HUGE_INT}`,
    status: 400,
    shape: 'json',
  },
  { name: 'GET /stats?days=1e308', method: 'get', path: '/api/admin/stats?days=1e308', status: 400, shape: 'json' },
  { name: 'GET /stats?days=-1', method: 'get', path: '/api/admin/stats?days=-1', status: 400, shape: 'json' },
  {
    name: 'queue dashboard: a script queue name',
    method: 'get',
    path: `/admin/queues/api/queues/${q(XSS)}/1`,
    status: [400, 404],
    shape: 'any',
  },
  {
    name: 'queue dashboard: a script page path',
    method: 'get',
    path: `/admin/queues/${q(XSS)}`,
    status: [200, 404],
    shape: 'any',
  },
  {
    name: 'queue dashboard: NUL queue name',
    method: 'put',
    path: '/admin/queues/api/queues/%00/pause',
    status: 404,
    shape: 'any',
  },
  {
    name: 'queue dashboard: page -1 and 11-digit page size',
    method: 'get',
    path: '/admin/queues/api/queues?activeQueue=ingest&page=-1&jobsPerPage=99999999999',
    status: 400,
    shape: 'any',
  },
  {
    name: 'GET /subscribers/export?q=NUL',
    method: 'get',
    path: '/api/admin/subscribers/export?q=%00',
    status: 400,
    shape: 'json',
  },
  {
    name: 'GET /subscribers/export?status=SQL',
    method: 'get',
    path: `/api/admin/subscribers/export?status=${q(SQL_OR)}`,
    status: 400,
    shape: 'json',
  },
  { name: 'unknown admin path', method: 'get', path: `/api/admin/${q(SQL_DROP)}`, status: 404, shape: 'json' },
];

describe('hostile inputs: admin API', () => {
  let env: TestEnv;
  let app: ReturnType<typeof createApp>;
  let session: Session;
  let auth: Record<string, string>;

  beforeAll(async () => {
    env = await createTestEnv();
    app = createApp(env.ctx);
    auth = { Authorization: `Bearer ${env.config.adminToken}` };
    await env.ctx.db.list.createMany({
      data: [
        { slug: 'trending', name: 'Trending' },
        { slug: 'llm', name: 'LLM', keywords: ['language model'] },
      ],
    });
    const trending = await env.ctx.db.list.findUniqueOrThrow({ where: { slug: 'trending' } });
    const subscriber = await env.ctx.db.subscriber.create({
      data: {
        email: 'admin-target@example.org',
        status: 'active',
        confirmedAt: new Date(),
        subscriptions: { create: [{ listId: trending.id, confirmedAt: new Date() }] },
      },
    });
    session = { subscriberId: subscriber.id };
  });
  afterAll(() => env?.cleanup());

  const tables: Array<[string, Case[]]> = [
    ['authentication', authCases],
    ['lists', listCases],
    ['subscribers', subscriberCases],
    ['CSV import', importCases],
    ['papers', paperCases],
    ['digests, tokens, stats, queues', otherCases],
  ];
  const total = tables.reduce((n, [, cases]) => n + cases.length, 0);

  it(`has ${total} hostile admin requests (at least 50)`, () => {
    expect(total).toBeGreaterThanOrEqual(50);
  });

  for (const [group, cases] of tables) {
    describe(group, () => {
      it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
        await runHostileCase(app, env.ctx.db, c, session, auth);
      });
    });
  }

  it('a cursor that decodes to a real id still pages (the hostile ones did not break paging)', async () => {
    const res = await request(app)
      .get(`/api/admin/subscribers?cursor=${encodeCursor(0)}&limit=1`)
      .set(auth);
    expect(res.status).toBe(200);
    expect(res.body.items.length).toBeGreaterThanOrEqual(1);
  });

  it('formula-looking addresses that are valid are stored, and exported with a leading quote', async () => {
    for (const email of ['+1-2@example.org', '-cmd@example.org']) {
      expect(
        (
          await request(app)
            .post('/api/admin/subscribers')
            .set(auth)
            .send({ email, lists: ['trending'], status: 'active' })
        ).status,
      ).toBe(201);
    }
    const res = await request(app).get('/api/admin/subscribers/export').set(auth);
    expect(res.status).toBe(200);
    expect(res.text).toContain(",'+1-2@example.org,");
    expect(res.text).toContain(",'-cmd@example.org,");
    expect(res.text).not.toMatch(/^[^,\n]*,[=+\-@]/m);
  });

  it('the tables SQL-looking input aimed at are all still there', async () => {
    const state = await snapshotTables(env.ctx.db);
    expect(Object.keys(state)).toHaveLength(8);
    expect(state.Subscriber.count).toBeGreaterThanOrEqual(1);
  });

  it('markup stored as text through the API is escaped on the landing page, in the admin preview and in the view page', async () => {
    const title = `Scaling ${XSS}${IMG_XSS}`;
    const list = await request(app)
      .post('/api/admin/lists')
      .set(auth)
      .send({ slug: 'xss', name: `Lab ${XSS}`, description: IMG_XSS });
    expect(list.status).toBe(201);
    expect(list.body.name).toBe(`Lab ${XSS}`);
    const paper = await request(app)
      .post('/api/admin/papers')
      .set(auth)
      .send({ arxivId: '2601.00001', title, abstract: `Abstract ${IMG_XSS}` });
    expect(paper.status).toBe(201);
    const stored = await env.ctx.db.paper.findFirstOrThrow({ where: { arxivId: '2601.00001' } });
    expect(stored.title).toBe(title);
    const reader = await request(app)
      .post('/api/admin/subscribers')
      .set(auth)
      .send({ email: 'xss-reader@example.org', lists: ['xss'], status: 'active' });
    expect(reader.status).toBe(201);

    const landing = await request(app).get('/');
    expect(landing.status).toBe(200);
    expect(landing.text).toContain('Lab &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(landing.text).toContain(
      'Scaling &lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;img src=x onerror=alert(1)&gt;',
    );
    expectNoRawMarkup(landing.text, 'landing page');

    const html = await request(app)
      .get(`/api/admin/digests/preview?subscriber=${reader.body.id}&format=html`)
      .set(auth);
    expect(html.status).toBe(200);
    expect(html.headers['content-type']).toMatch(/^text\/html/);
    expect(html.text).toContain('Scaling &lt;script&gt;alert(1)&lt;/script&gt;');
    expectNoRawMarkup(html.text, 'admin preview (html)');

    const json = await request(app).get(`/api/admin/digests/preview?subscriber=${reader.body.id}`).set(auth);
    expect(json.status).toBe(200);
    expectNoRawMarkup(json.body.html as string, 'admin preview (json html)');
    expect(json.body.subject).not.toMatch(/[\r\n]/);
  });
});
