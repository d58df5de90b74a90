// The harness of the hostile-input suite: one table row per hostile request,
// run through the real app, and the checks every row must pass whatever it
// sent — no 5xx, the expected 4xx, the right error shape, an answer within a
// deadline (a hang fails), no raw markup echoed into a page, and, for every
// rejected input, every table exactly as it was (rows and their contents).
import request from 'supertest';
import type { Express } from 'express';
import { expect } from 'vitest';
import type { Db } from '../../src/db.js';

/** Every table of the schema: a hostile request may change none of them unless its row says so. */
export const TABLES = [
  'Subscriber',
  'ConsentRecord',
  'Subscription',
  'List',
  'Paper',
  'Digest',
  'Delivery',
  'AdminToken',
] as const;

/** A request that takes longer than this is a hang. */
export const DEADLINE_MS = 5_000;

export const XSS = '<script>alert(1)</script>';
export const IMG_XSS = '"><img src=x onerror=alert(1)>';
export const SQL_OR = "' OR 1=1 --";
export const SQL_DROP = `'; DROP TABLE "Subscriber"; --`;
export const CRLF_BCC = 'reader@example.org\r\nBcc: victim@evil.test';
/** 0xff 0xfe and a truncated two-byte sequence: never valid UTF-8. */
export const BAD_UTF8 = Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0xe2, 0x82]);
export const HUGE_INT = '99999999999999999999';
export const PAST_INT4 = '2147483648';

export const deepArrays = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
/** A body just over `mb` megabytes, still valid JSON so only its size is wrong. */
export const bigJson = (mb = 1.1) => JSON.stringify({ padding: 'x'.repeat(Math.ceil(mb * 1024 * 1024)) });
/** A JSON document with invalid UTF-8 inside one string value. */
export const jsonWithBadBytes = (field: string, extra = '') =>
  Buffer.concat([Buffer.from(`{${extra}"${field}":"a`), BAD_UTF8, Buffer.from('b@example.org"}')]);

export const BILLION_LAUGHS = `<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>http://arxiv.org/abs/2501.00001v1</id><title>&lol9;</title></entry></feed>`;

export const XXE = `<?xml version="1.0"?>
<!DOCTYPE feed [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>
<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>http://arxiv.org/abs/2501.00001v1</id><title>&xxe;</title></entry></feed>`;

export type Body = string | Buffer | object;

export interface HostileCase<S = unknown> {
  name: string;
  method: 'get' | 'post' | 'patch' | 'put' | 'delete';
  path: string | ((session: S) => string);
  headers?: Record<string, string>;
  /** Strings and Buffers go as they are; objects as JSON. A function sees the per-file session (CSRF, tokens). */
  body?: Body | ((session: S) => Body);
  /** Content-Type to send; omitted for objects (JSON) and for no body. */
  type?: string;
  /** The statuses the contract allows for this input. */
  status: number | number[];
  /** json: `{ error: { code, message } }` on 4xx. html: a page. */
  shape: 'json' | 'html' | 'any';
  /** Inputs that are accepted by design (stored as text); everything else must leave every table untouched. */
  stores?: boolean;
  /** Extra checks on the answer. */
  check?: (res: request.Response) => void | Promise<void>;
}

export type TableState = Record<(typeof TABLES)[number], { count: number; digest: string | null }>;

/** Row count and an md5 over every row's text, per table: an update shows as well as an insert. */
export async function snapshotTables(db: Db): Promise<TableState> {
  const parts = TABLES.map(
    (table) =>
      `SELECT '${table}' AS name, count(*)::int AS count, md5(string_agg(t::text, '|' ORDER BY t::text)) AS digest FROM "${table}" t`,
  );
  const rows = await db.$queryRawUnsafe<Array<{ name: (typeof TABLES)[number]; count: number; digest: string | null }>>(
    parts.join(' UNION ALL '),
  );
  return Object.fromEntries(rows.map((r) => [r.name, { count: r.count, digest: r.digest }])) as TableState;
}

export function buildRequest<S>(
  app: Express,
  c: HostileCase<S>,
  session: S,
  defaults: Record<string, string> = {},
): request.Test {
  const path = typeof c.path === 'function' ? c.path(session) : c.path;
  let req = request(app)[c.method](path);
  for (const [key, value] of Object.entries({ ...defaults, ...c.headers })) req = req.set(key, value);
  const body = typeof c.body === 'function' ? c.body(session) : c.body;
  if (c.type) req = req.set('Content-Type', c.type);
  // superagent would serialise a Buffer sent as JSON or a form ({"0":255,…}): send its bytes as they are.
  if (Buffer.isBuffer(body)) req = req.serialize((raw: unknown) => raw as string);
  if (body !== undefined) req = req.send(body as string | object);
  // supertest's deadline fails the test if the whole answer takes longer.
  return req.timeout({ deadline: DEADLINE_MS });
}

function contentType(res: request.Response): string {
  return String(res.headers['content-type'] ?? '');
}

/** The checks every answer must pass, whatever the input. */
export function expectSafeAnswer(c: HostileCase<never> | HostileCase<unknown>, res: request.Response): void {
  const allowed = Array.isArray(c.status) ? c.status : [c.status];
  expect(res.status, `${c.name}: ${res.text.slice(0, 300)}`).toBeLessThan(500);
  expect(allowed, `${c.name}: got ${res.status} ${res.text.slice(0, 300)}`).toContain(res.status);
  const type = contentType(res);
  if (res.status >= 400 && c.shape === 'json') {
    expect(type, c.name).toMatch(/^application\/json/);
    const body = res.body as { error?: { code?: unknown; message?: unknown } };
    expect(typeof body.error?.code, `${c.name}: ${res.text.slice(0, 200)}`).toBe('string');
    expect(typeof body.error?.message, c.name).toBe('string');
  }
  if (c.shape === 'html') expect(type, c.name).toMatch(/^text\/html/);
  // A JSON answer may carry stored text as it is: it is never rendered, and the browser is told not to sniff.
  if (/json/.test(type)) expect(res.headers['x-content-type-options'], c.name).toBe('nosniff');
  else expectNoRawMarkup(res.text, c.name);
  // Never an internal detail in an error.
  expect(res.text, c.name).not.toMatch(/PrismaClient|invocation in|at .*\.ts:\d+|SQLSTATE|stack/);
}

/** The hostile payloads must come back escaped in anything a browser could render. */
export function expectNoRawMarkup(text: string, label: string): void {
  expect(text, label).not.toContain(XSS);
  expect(text, label).not.toMatch(/<img[^>]*onerror/i);
  expect(text, label).not.toMatch(/<script>alert/i);
}

/** Runs one row: the answer checks, and for a rejected input, every table unchanged. */
export async function runHostileCase<S>(
  app: Express,
  db: Db,
  c: HostileCase<S>,
  session: S,
  defaults: Record<string, string> = {},
) {
  const before = c.stores ? undefined : await snapshotTables(db);
  const started = Date.now();
  const res = await buildRequest(app, c, session, defaults);
  expect(Date.now() - started, `${c.name} took too long`).toBeLessThan(DEADLINE_MS);
  expectSafeAnswer(c, res);
  if (before) expect(await snapshotTables(db), `${c.name} changed a table`).toEqual(before);
  await c.check?.(res);
  return res;
}

/** Object.prototype must come out of every hostile body as it went in. */
export function expectPrototypeClean(): void {
  const probe = {} as Record<string, unknown>;
  expect(probe.polluted).toBeUndefined();
  expect(probe.isAdmin).toBeUndefined();
  expect(Object.keys(Object.prototype)).toEqual([]);
}
