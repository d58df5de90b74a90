import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DigestActionError,
  getDigestStatus,
  previewDigest,
  resendDelivery,
  triggerDigest,
} from '../../src/digest/digest-service.js';
import { createApp } from '../../src/http/app.js';
import { runDigestPeriod } from '../../src/jobs/digest-run.js';
import { startWorkers } from '../../src/jobs/workers.js';
import { createDigestPlanProcessor, createDigestSendProcessor } from '../../src/jobs/digest-jobs.js';
import { digestViewLink } from '../../src/subscriptions/links.js';
import { createTestEnv, type TestEnv } from '../helpers/context.js';
import { createList, createPaper, createSubscriber } from './fixtures.js';

describe('view in browser, preview, trigger and resend', () => {
  let env: TestEnv;
  let ada: { id: number };
  let bob: { id: number };

  beforeAll(async () => {
    env = await createTestEnv({ DIGEST_RETRY_DELAY_MS: '100' });
    const db = env.ctx.db;
    const list = await createList(db, { slug: 'attention', name: 'Attention', keywords: ['attention'] });
    await createPaper(db, 'Attention <b>bold</b> claims', { upvotes: 9 });
    ada = await createSubscriber(db, 'ada@example.org', [list.id]);
    bob = await createSubscriber(db, 'bob@example.org', [list.id]);
  });
  afterAll(async () => {
    await env?.cleanup();
  });

  it('previews a subscriber’s digest without sending or writing anything', async () => {
    const preview = await previewDigest(env.ctx, ada.id);
    expect(preview.subject).toContain('Attention <b>bold</b> claims');
    expect(preview.html).toContain('Attention &lt;b&gt;bold&lt;/b&gt; claims');
    expect(preview.html).toContain('https://paperboy.test/unsubscribe/');
    expect(preview.text).toContain('Matches “attention”');
    expect(preview.sections).toEqual([
      {
        listId: expect.any(Number),
        kind: 'list',
        name: 'Attention',
        papers: [expect.objectContaining({ title: 'Attention <b>bold</b> claims' })],
      },
    ]);
    expect(await env.ctx.db.delivery.count()).toBe(0);
    expect(env.sink.messages).toHaveLength(0);
    await expect(previewDigest(env.ctx, 999_999)).rejects.toBeInstanceOf(DigestActionError);
  });

  it('POST-style trigger plans and sends in the background; the status shows live counts', async () => {
    const running = startWorkers(env.ctx, {
      digestPlan: createDigestPlanProcessor,
      digestSend: (ctx) => createDigestSendProcessor(ctx),
    });
    try {
      const digest = await triggerDigest(env.ctx, '2026-11-12');
      expect(digest).toMatchObject({ period: '2026-11-12', status: 'planning' });
      await env.sink.waitFor(2);
      let status = await getDigestStatus(env.ctx.db, digest.id);
      for (let i = 0; i < 50 && status?.status !== 'done'; i++) {
        await new Promise((r) => setTimeout(r, 100));
        status = await getDigestStatus(env.ctx.db, digest.id);
      }
      expect(status).toMatchObject({ id: digest.id, status: 'done', planned: 2, sent: 2, skipped: 0, failed: 0 });
      await expect(triggerDigest(env.ctx, '2026-02-30')).rejects.toThrow(/real date/);
    } finally {
      await running.close();
    }
  });

  it('GET /digests/:id shows the delivery to its subscriber only, with a clear 4xx otherwise', async () => {
    const app = createApp(env.ctx);
    const delivery = await env.ctx.db.delivery.findFirstOrThrow({ where: { subscriberId: ada.id } });
    const other = await env.ctx.db.delivery.findFirstOrThrow({ where: { subscriberId: bob.id } });
    const link = new URL(digestViewLink(env.config, ada.id, delivery.id));
    const ok = await request(app).get(`${link.pathname}${link.search}`);
    expect(ok.status).toBe(200);
    expect(ok.type).toBe('text/html');
    expect(ok.text).toContain('Attention &lt;b&gt;bold&lt;/b&gt; claims');
    // A site page: its header and footer, and no link to itself.
    expect(ok.text).toContain('class="site-header"');
    expect(ok.text).toContain('class="site-footer"');
    expect(ok.text).not.toContain('/digests/');
    expect(ok.text).toContain('https://paperboy.test/unsubscribe/');
    expect(ok.headers['content-security-policy']).toContain("script-src 'self'");
    expect(ok.headers['cache-control']).toBe('no-store');
    // The email in the sink carries a working link to the same page (tokens carry their issue time, so not the same string).
    const mailed = new RegExp(`https://paperboy\\.test(/digests/${delivery.id}\\?t=[^"&]+)`).exec(
      String(env.sink.to('ada@example.org')[0]!.parsed.html),
    );
    expect(mailed).not.toBeNull();
    expect((await request(app).get(mailed![1]!)).status).toBe(200);

    const tampered = await request(app).get(`/digests/${delivery.id}?t=${link.searchParams.get('t')!.slice(0, -2)}xx`);
    expect(tampered.status).toBe(400);
    expect(tampered.text).toContain('This link does not work');
    const wrongDelivery = await request(app).get(`/digests/${other.id}${link.search}`);
    expect(wrongDelivery.status).toBe(400);
    const bobsLinkForAda = new URL(digestViewLink(env.config, bob.id, delivery.id));
    expect((await request(app).get(`/digests/${delivery.id}${bobsLinkForAda.search}`)).status).toBe(404);
    expect((await request(app).get('/digests/abc?t=x')).status).toBe(400);
  });

  it('resends a failed delivery with the same Message-ID, never a sent one', async () => {
    const delivery = await env.ctx.db.delivery.findFirstOrThrow({ where: { subscriberId: bob.id } });
    await expect(resendDelivery(env.ctx, delivery.id)).rejects.toMatchObject({ code: 'conflict' });
    await env.ctx.db.delivery.update({ where: { id: delivery.id }, data: { status: 'failed', lastError: '550 gone' } });
    await env.ctx.db.digest.update({
      where: { id: delivery.digestId },
      data: { sent: { decrement: 1 }, failed: { increment: 1 } },
    });
    env.sink.clear();
    const running = startWorkers(env.ctx, { digestSend: (ctx) => createDigestSendProcessor(ctx) });
    try {
      expect(await resendDelivery(env.ctx, delivery.id)).toMatchObject({ id: delivery.id, status: 'pending' });
      const [mail] = await env.sink.waitFor(1);
      expect(mail!.envelope.to).toEqual(['bob@example.org']);
      expect(mail!.parsed.messageId).toBe(delivery.messageId);
      await expect.poll(async () => (await getDigestStatus(env.ctx.db, delivery.digestId))?.status).toBe('done');
      expect(await getDigestStatus(env.ctx.db, delivery.digestId)).toMatchObject({ sent: 2, failed: 0 });
    } finally {
      await running.close();
    }
    await expect(resendDelivery(env.ctx, 999_999)).rejects.toMatchObject({ code: 'not_found' });
    // A second run of the period finds nobody left to plan.
    expect(await runDigestPeriod(env.ctx, '2026-11-12', { pollMs: 50 })).toMatchObject({ planned: 0 });
  });
});
