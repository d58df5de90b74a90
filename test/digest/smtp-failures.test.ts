import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDigestPeriod } from '../../src/jobs/digest-run.js';
import { createTestEnv, type TestEnv } from '../helpers/context.js';
import { createList, createPaper, createSubscriber } from './fixtures.js';

describe('digest sending against an SMTP server that refuses', () => {
  let env: TestEnv;
  let listId: number;

  beforeAll(async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    env = await createTestEnv({
      DIGEST_RETRY_DELAY_MS: '100',
      DIGEST_BATCH_SIZE: '3',
      DKIM_DOMAIN: 'paperboy.test',
      DKIM_SELECTOR: 'pb2026',
      DKIM_PRIVATE_KEY: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    });
    listId = (await createList(env.ctx.db, { slug: 'trending', name: 'Trending' })).id;
  });
  afterAll(async () => {
    await env?.cleanup();
  });

  it('retries 421 and 451 with backoff until the server takes the messages, DKIM-signed', async () => {
    const db = env.ctx.db;
    await createPaper(db, 'A paper worth retrying for', { upvotes: 4 });
    for (const name of ['r1', 'r2', 'r3', 'r4']) await createSubscriber(db, `${name}@example.org`, [listId]);
    const refusedWith = (code: string) =>
      expect
        .poll(() => db.delivery.count({ where: { lastError: { contains: code } } }), { timeout: 10_000, interval: 20 })
        .toBeGreaterThan(0);
    env.sink.refuse({ code: 421, message: '4.3.2 Service not available, closing channel' });
    const running = runDigestPeriod(env.ctx, '2026-11-12', { pollMs: 50, timeoutMs: 20_000 });
    await refusedWith('421');
    env.sink.refuse({ code: 451, message: '4.7.1 Greylisted, try again later' });
    await refusedWith('451');
    env.sink.refuse(undefined);
    const summary = await running;
    expect(summary).toMatchObject({ planned: 4, sent: 4, failed: 0, unfinished: 0 });
    const mails = await env.sink.waitFor(4);
    expect(new Set(mails.map((m) => m.envelope.to[0])).size).toBe(4);
    const rows = await db.delivery.findMany({ where: { digestId: summary.digestId } });
    expect(rows.every((r) => r.status === 'sent' && r.lastError === null)).toBe(true);
    expect(Math.min(...rows.map((r) => r.attempts))).toBeGreaterThan(1);
    const dkim = mails[0]!.raw.match(/^DKIM-Signature:[^]*?(?=\r?\n\S)/m)?.[0] ?? '';
    expect(dkim).toContain('d=paperboy.test');
    expect(dkim).toContain('s=pb2026');
  });

  it('a 550 for one recipient fails that delivery with the reply and counts a bounce; the others are sent', async () => {
    const db = env.ctx.db;
    env.sink.clear();
    await createPaper(db, 'Another paper for the next day', { upvotes: 2 });
    const bad = await createSubscriber(db, 'nobody@example.org', [listId]);
    const worn = await createSubscriber(db, 'worn@example.org', [listId]);
    await db.subscriber.update({ where: { id: worn.id }, data: { bounceCount: 2 } });
    env.sink.refuse({
      code: 550,
      message: '5.1.1 No such user here',
      recipients: ['nobody@example.org', 'worn@example.org'],
    });
    const summary = await runDigestPeriod(env.ctx, '2026-11-13', { pollMs: 50, timeoutMs: 20_000 });
    env.sink.refuse(undefined);
    expect(summary).toMatchObject({ planned: 6, sent: 4, failed: 2, unfinished: 0, status: 'done' });
    expect(new Set((await env.sink.waitFor(4)).map((m) => m.envelope.to[0]))).toEqual(
      new Set(['r1@example.org', 'r2@example.org', 'r3@example.org', 'r4@example.org']),
    );
    const failed = await db.delivery.findFirstOrThrow({ where: { subscriberId: bad.id } });
    expect(failed.status).toBe('failed');
    expect(failed.attempts).toBe(1);
    expect(failed.smtpResponse).toContain('550');
    expect(failed.smtpResponse).toContain('No such user here');
    expect(await db.subscriber.findUniqueOrThrow({ where: { id: bad.id } })).toMatchObject({
      bounceCount: 1,
      status: 'active',
    });
    expect(await db.subscriber.findUniqueOrThrow({ where: { id: worn.id } })).toMatchObject({
      bounceCount: 3,
      status: 'bounced',
    });
    const digest = await db.digest.findUniqueOrThrow({ where: { id: summary.digestId } });
    expect(digest).toMatchObject({ planned: 6, sent: 4, failed: 2 });
  });
});
