import { Readable } from 'node:stream';
import express from 'express';
import request from 'supertest';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { neutraliseCell } from '../../../src/admin/subscriber-export.js';
import { adminRouter } from '../../../src/http/admin/index.js';
import { AppError, ERROR_CODES, errorHandler } from '../../../src/http/errors.js';
import { ImportInterruptedError, importSubscribersCsv } from '../../../src/admin/subscriber-import.js';
import { importRules } from '../../../src/http/admin/subscriber-csv-routes.js';
import { addSubscriber, createAdminEnv, seedLists, type AdminEnv } from './admin-env.js';

let env: AdminEnv;
beforeAll(async () => {
  env = await createAdminEnv();
  await seedLists(env);
});
afterAll(() => env.cleanup());

const importCsv = (csv: string, query = '') =>
  env.api.post(`/subscribers/import${query}`).set('Content-Type', 'text/csv').send(csv);

const BAD_FILE = [
  'email,lists,timezone,sendHour,frequency',
  'good1@example.org,trending|llm,Europe/Berlin,9,weekly', // row 2
  'not-an-address,trending,,,', // row 3: invalid address
  'GOOD1@example.org,trending,,,', // row 4: duplicate of row 2
  'good2@example.org,trending|astrology,,,', // row 5: unknown list
  '"=HYPERLINK(""http://evil.test"",""x"")",trending,,,', // row 6: formula cell
  'good3@example.org,vision,UTC,@SUM(1),daily', // row 7: formula in another column
  'good4@example.org,vision,,,', // row 8
  '-dash@example.org,llm,,,', // row 9: a real address that starts like a formula
].join('\n');

describe('POST /subscribers/import', () => {
  it('imports the example the OpenAPI document shows, and exports the columns it shows', async () => {
    const doc = (await env.api.get('/openapi.json')).body;
    const example = doc.paths['/api/admin/subscribers/import'].post.requestBody.content['text/csv'].example as string;
    const report = await importCsv(example, '?status=active');
    expect(report.body).toMatchObject({ rows: 2, created: 2, errorCount: 0 });
    const exportExample = doc.paths['/api/admin/subscribers/export'].get.responses['200'].content['text/csv']
      .example as string;
    const exported = await env.api.get('/subscribers/export?q=ada%40example.org').buffer(true);
    expect(exported.text.split('\n')[0]).toBe(exportExample.split('\n')[0]);
    expect(parse<Record<string, string>>(exported.text, { columns: true })[0]).toMatchObject({
      email: 'ada@example.org',
      status: 'active',
      sendHour: '8',
    });
    await env.ctx.db.subscriber.deleteMany({ where: { email: { in: ['ada@example.org', 'alan@example.org'] } } });
  });

  it('reports each bad row and stores only the good ones', async () => {
    const res = await importCsv(BAD_FILE, '?status=active');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      rows: 8,
      created: 3,
      updated: 0,
      skipped: 0,
      errorCount: 5,
      errorsTruncated: false,
    });
    expect(res.body.errors).toEqual([
      { row: 3, message: 'email: not a valid address' },
      { row: 4, message: 'email: duplicate of row 2' },
      { row: 5, message: 'lists: unknown list "astrology"' },
      { row: 6, message: 'email: looks like a spreadsheet formula' },
      { row: 7, message: 'sendHour: looks like a spreadsheet formula' },
    ]);
    const stored = await env.ctx.db.subscriber.findMany({
      orderBy: { id: 'asc' },
      include: { subscriptions: { include: { list: true } }, consents: true },
    });
    expect(stored.map((s) => s.email)).toEqual(['good1@example.org', 'good4@example.org', '-dash@example.org']);
    const first = stored[0]!;
    expect(first).toMatchObject({ status: 'active', timezone: 'Europe/Berlin', sendHour: 9, frequency: 'weekly' });
    expect(first.confirmedAt).not.toBeNull();
    expect(first.subscriptions.map((s) => s.list.slug).sort()).toEqual(['llm', 'trending']);
    expect(first.subscriptions.every((s) => s.confirmedAt)).toBe(true);
    expect(first.consents).toEqual([
      expect.objectContaining({ action: 'import', lists: ['trending', 'llm'], formVersion: 'csv-import:active' }),
    ]);
    expect(stored[1]).toMatchObject({ timezone: 'UTC', sendHour: 7, frequency: 'daily' });
  });

  it('catches a duplicate that lies in an earlier batch of the same file', async () => {
    const rows = [
      'email,lists',
      'far1@example.org,trending',
      'far2@example.org,trending',
      'far3@example.org,trending',
      'FAR1@example.org,trending',
    ];
    // With batches of 2 the duplicate is in another batch than its first row; the route uses 1,000, so call the domain function.
    const { importSubscribersCsv } = await import('../../../src/admin/subscriber-import.js');
    const { importRules } = await import('../../../src/http/admin/subscriber-csv-routes.js');
    const { Readable } = await import('node:stream');
    const report = await importSubscribersCsv(
      { db: env.ctx.db, rules: importRules, requestConfirmations: async () => {} },
      Readable.from([rows.join('\n')]),
      { status: 'active', existing: 'skip', actor: {}, batchSize: 2 },
    );
    expect(report).toMatchObject({ created: 3, errors: [{ row: 5, message: 'email: duplicate of an earlier row' }] });
  });

  it('skips existing addresses by default and updates them with ?existing=update', async () => {
    const csv =
      'email,lists,timezone,sendHour,frequency\ngood4@example.org,llm,Asia/Tokyo,6,\nnew1@example.org,trending,,,\n';
    const skip = await importCsv(csv, '?status=active');
    expect(skip.body).toMatchObject({ created: 1, updated: 0, skipped: 1, errorCount: 0 });
    const update = await importCsv(csv.replace('new1', 'new2'), '?status=active&existing=update');
    expect(update.body).toMatchObject({ created: 1, updated: 1, skipped: 0 });
    const good4 = await env.ctx.db.subscriber.findUniqueOrThrow({
      where: { email: 'good4@example.org' },
      include: { subscriptions: { include: { list: true } } },
    });
    expect(good4).toMatchObject({ timezone: 'Asia/Tokyo', sendHour: 6, frequency: 'daily' });
    expect(good4.subscriptions.map((s) => s.list.slug).sort()).toEqual(['llm', 'vision']);
  });

  it('never re-activates someone who unsubscribed', async () => {
    await addSubscriber(env, 'left@example.org', { status: 'unsubscribed' });
    const res = await importCsv('email,lists\nleft@example.org,llm\n', '?status=active&existing=update');
    expect(res.body.updated).toBe(1);
    const left = await env.ctx.db.subscriber.findUniqueOrThrow({
      where: { email: 'left@example.org' },
      include: { subscriptions: { include: { list: true } } },
    });
    expect(left.status).toBe('unsubscribed');
    expect(left.subscriptions.map((s) => s.list.slug)).toEqual(['trending']);
  });

  it('imports as pending by default, each with a confirmation email in the outbox, the sign-up way', async () => {
    const res = await importCsv('email,lists\npend1@example.org,trending\npend2@example.org,llm\n');
    expect(res.body).toMatchObject({ created: 2, errorCount: 0 });
    const pending = await env.ctx.db.subscriber.findMany({
      where: { email: { startsWith: 'pend' } },
      include: { subscriptions: true },
    });
    expect(pending.map((s) => s.status)).toEqual(['pending', 'pending']);
    expect(
      pending.every((s) => s.confirmRequestedAt && !s.confirmedAt && s.subscriptions.every((x) => !x.confirmedAt)),
    ).toBe(true);
    const outbox = await env.ctx.db.confirmationOutbox.findMany({
      where: { subscriberId: { in: pending.map((s) => s.id) } },
    });
    for (const s of pending) {
      expect(outbox.find((row) => row.subscriberId === s.id)?.requestedAt).toEqual(s.confirmRequestedAt);
    }
  });

  it('rejects a file without an email column, a non-CSV body and malformed CSV', async () => {
    const noEmail = await importCsv('name,lists\nx,trending\n');
    expect(noEmail.status).toBe(400);
    expect(noEmail.body.error.message).toContain('email');
    const json = await env.api.post('/subscribers/import').send({ email: 'x@example.org' });
    expect(json.status).toBe(415);
    const broken = await importCsv('email,lists\n"unterminated@example.org,trending\n');
    expect(broken.status).toBe(400);
    expect(broken.body.error.message).toMatch(/not valid CSV/);
    expect((await importCsv('email,lists\n', '?status=maybe')).status).toBe(400);
  });

  it('answers 413 past the size cap, declared or streamed', async () => {
    const app = express()
      .use('/api/admin', adminRouter(env.ctx, { importMaxBytes: 1000 }))
      .use(errorHandler);
    const big = `email,lists\n${Array.from({ length: 100 }, (_, i) => `cap${i}@example.org,trending`).join('\n')}\n`;
    const declared = await request(app)
      .post('/api/admin/subscribers/import')
      .set(env.auth)
      .set('Content-Type', 'text/csv')
      .send(big);
    expect(declared.status).toBe(413);
    expect(declared.body.error.code).toBe('payload_too_large');
    // Chunked upload, no Content-Length: cut off while streaming.
    const server = app.listen(0);
    try {
      const { port } = server.address() as { port: number };
      const http = await import('node:http');
      const streamed = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = http.request(
          {
            port,
            method: 'POST',
            path: '/api/admin/subscribers/import',
            headers: { ...env.auth, 'Content-Type': 'text/csv', 'Transfer-Encoding': 'chunked' },
          },
          (res) => {
            let body = '';
            res.on('data', (c) => (body += c)).on('end', () => resolve({ status: res.statusCode!, body }));
          },
        );
        req.on('error', reject);
        req.write(big.slice(0, 600));
        setTimeout(() => req.end(big.slice(600)), 50);
      });
      expect(streamed.status).toBe(413);
      expect(JSON.parse(streamed.body).error.code).toBe('payload_too_large');
    } finally {
      server.close();
    }
  });
});

describe('an upload cut off after some batches were stored', () => {
  it('keeps the stored rows and says so: the error carries the partial report', async () => {
    const cut = new AppError(ERROR_CODES.tooLarge, 413, 'Request body is larger than the limit');
    const input = Readable.from(
      (async function* () {
        yield 'email,lists\ncut1@example.org,trending\ncut2@example.org,trending\ncut3@example.org,trending\n';
        await new Promise((resolve) => setTimeout(resolve, 50));
        yield 'cut4@example.org,trending\n';
        throw cut;
      })(),
    );
    const error = await importSubscribersCsv(
      { db: env.ctx.db, rules: importRules, requestConfirmations: async () => {} },
      input,
      { status: 'active', existing: 'skip', actor: { ip: null, userAgent: null }, batchSize: 2 },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImportInterruptedError);
    expect((error as ImportInterruptedError).reason).toBe(cut);
    expect((error as ImportInterruptedError).partial.created).toBe(2);
    const stored = await env.ctx.db.subscriber.count({ where: { email: { startsWith: 'cut' } } });
    expect(stored).toBe(2);
  });
});

describe('GET /subscribers/export', () => {
  it('streams CSV with the search filters, importable columns and neutralised formula cells', async () => {
    await env.ctx.db.subscriber.create({ data: { email: '=cmd|calc@example.org', status: 'active' } });
    const res = await env.api.get('/subscribers/export?status=active').buffer(true);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toContain('text/csv');
    expect(res.headers['content-disposition']).toMatch(/attachment; filename="subscribers-\d{4}-\d{2}-\d{2}\.csv"/);
    const records = parse<Record<string, string>>(res.text, { columns: true });
    expect(Object.keys(records[0]!)).toEqual(
      expect.arrayContaining(['email', 'lists', 'timezone', 'sendHour', 'frequency']),
    );
    expect(records.every((r) => r.status === 'active')).toBe(true);
    const emails = records.map((r) => r.email);
    expect(emails).toContain("'-dash@example.org");
    expect(emails).toContain("'=cmd|calc@example.org");
    expect(emails).toContain('good1@example.org');
    expect(records.find((r) => r.email === 'good1@example.org')?.lists).toBe('trending|llm');

    const filtered = parse<{ email: string }>(
      (await env.api.get('/subscribers/export?list=vision&q=good').buffer(true)).text,
      { columns: true },
    );
    expect(filtered.map((r) => r.email)).toEqual(['good4@example.org']);
  });

  it('pages through more rows than one query page', async () => {
    await env.ctx.db.subscriber.createMany({
      data: Array.from({ length: 2500 }, (_, i) => ({ email: `bulk${i}@example.org` })),
    });
    const res = await env.api.get('/subscribers/export?q=bulk').buffer(true);
    const records = parse<{ id: string }>(res.text, { columns: true });
    expect(records).toHaveLength(2500);
    const ids = records.map((r) => Number(r.id));
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);
  });

  it('neutralises every formula trigger', () => {
    expect(['=1+1', '+1', '-1', '@x', '\tx', '\rx'].map(neutraliseCell)).toEqual([
      "'=1+1",
      "'+1",
      "'-1",
      "'@x",
      "'\tx",
      "'\rx",
    ]);
    expect(neutraliseCell('plain@example.org')).toBe('plain@example.org');
  });
});
