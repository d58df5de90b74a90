import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { digestMessageId, planPeriod } from '../../src/digest/planner.js';
import { createDigestSendProcessor } from '../../src/jobs/digest-jobs.js';
import { enqueueDigestBatches } from '../../src/jobs/digest-queue.js';
import { startWorkers } from '../../src/jobs/workers.js';
import { runDigestPeriod } from '../../src/jobs/digest-run.js';
import { createTestEnv, type TestEnv } from '../helpers/context.js';
import { createList, createPaper, createSubscriber } from './fixtures.js';

describe('daily digest, end to end on Postgres, Redis and an SMTP sink', () => {
  let env: TestEnv;
  let lists: { trending: number; attention: number; video: number };

  beforeAll(async () => {
    env = await createTestEnv({ DIGEST_BATCH_SIZE: '2', DIGEST_RETRY_DELAY_MS: '100' });
    const db = env.ctx.db;
    lists = {
      trending: (await createList(db, { slug: 'trending', name: 'Trending' })).id,
      attention: (
        await createList(db, {
          slug: 'attention',
          name: 'Attention & Transformers',
          keywords: ['attention', 'transformer'],
        })
      ).id,
      video: (await createList(db, { slug: 'video', name: 'Video understanding', keywords: ['video'] })).id,
    };
  });
  afterAll(async () => {
    await env?.cleanup();
  });

  it('sends exactly one email per due subscriber with the right papers in the right sections, and nothing twice', async () => {
    const db = env.ctx.db;
    await createPaper(db, 'Sparse Attention for Long Transformers', { upvotes: 30 });
    await createPaper(db, 'VideoMAE: masked video pretraining', { upvotes: 12 });
    await createPaper(db, 'A <script>alert(1)</script> & "quoted" title about videos', { upvotes: 3 });
    await createPaper(db, 'Hidden attention paper', { upvotes: 99, hidden: true });
    await createPaper(db, 'Protein folding at scale', { upvotes: 50 });
    // Older than the daily lookback (7 days): no longer eligible for anyone.
    await createPaper(db, 'Old attention paper', { upvotes: 80, firstSeenAt: new Date(Date.now() - 8 * 86_400_000) });

    await createSubscriber(db, 'ada@example.org', [lists.attention, lists.video]);
    await createSubscriber(db, 'bob@example.org', [lists.trending, lists.attention]);
    await createSubscriber(db, 'cy@example.org', [lists.video]);
    await createSubscriber(db, 'pending@example.org', [lists.trending], { status: 'pending' });
    await createSubscriber(db, 'unconfirmed@example.org', [lists.trending], { confirmed: false });
    await createSubscriber(db, 'weekly@example.org', [lists.trending], { frequency: 'weekly', weekday: 0 }); // 2026-11-12 is a Thursday

    const summary = await runDigestPeriod(env.ctx, '2026-11-12', { pollMs: 50 });
    expect(summary).toMatchObject({ planned: 3, sent: 3, skipped: 0, failed: 0, status: 'done' });
    const mails = await env.sink.waitFor(3);
    expect(mails).toHaveLength(3);
    expect(new Set(mails.map((m) => m.envelope.to[0]))).toEqual(
      new Set(['ada@example.org', 'bob@example.org', 'cy@example.org']),
    );

    const ada = env.sink.to('ada@example.org')[0]!.parsed;
    const adaHtml = String(ada.html);
    // Sections in list order, each paper once, hidden papers and papers past the lookback absent.
    expect(adaHtml.indexOf('Attention &amp; Transformers')).toBeLessThan(adaHtml.indexOf('Video understanding'));
    expect(adaHtml).toContain('Sparse Attention for Long Transformers');
    expect(adaHtml).toContain('VideoMAE');
    expect(adaHtml).not.toContain('Hidden attention paper');
    expect(adaHtml).not.toContain('Old attention paper');
    expect(adaHtml).not.toContain('Protein folding');
    expect(adaHtml.split('VideoMAE').length - 1).toBe(1);
    expect(ada.text).toContain('Matches “attention”, “transformer”');
    // The title with HTML is escaped, never markup.
    expect(adaHtml).toContain('A &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quoted&quot; title about videos');
    expect(adaHtml).not.toContain('<script>alert(1)');

    const bob = String(env.sink.to('bob@example.org')[0]!.parsed.html);
    // Trending leads with the most upvoted papers; each paper once.
    expect(bob).toContain('Protein folding');
    expect(bob.indexOf('Protein folding')).toBeLessThan(bob.indexOf('Sparse Attention for Long Transformers'));
    expect(bob.split('Sparse Attention for Long Transformers').length - 1).toBe(1);

    const rows = await db.delivery.findMany({ where: { digestId: summary.digestId } });
    expect(rows.every((r) => r.status === 'sent' && r.smtpResponse?.startsWith('250'))).toBe(true);
    // Postgres builds the deterministic Message-ID exactly as the JS mirror does, and it is what went out.
    for (const row of rows)
      expect(row.messageId).toBe(digestMessageId(env.config, summary.digestId, row.subscriberId!));
    expect(new Set(mails.map((m) => m.parsed.messageId))).toEqual(new Set(rows.map((r) => r.messageId)));
    const digest = await db.digest.findUniqueOrThrow({ where: { id: summary.digestId } });
    expect(digest).toMatchObject({ status: 'done', planned: 3, sent: 3, skipped: 0, failed: 0 });

    // A second run of the same period sends nothing.
    env.sink.clear();
    const again = await runDigestPeriod(env.ctx, '2026-11-12', { pollMs: 50 });
    expect(again).toMatchObject({ planned: 0, sent: 0 });
    await new Promise((r) => setTimeout(r, 300));
    expect(env.sink.messages).toHaveLength(0);
  });

  it('does not send a paper sent yesterday today, and records "nothing new" as skipped', async () => {
    const db = env.ctx.db;
    env.sink.clear();
    await createPaper(db, 'Fresh video transformer paper', { upvotes: 5 });
    const today = await runDigestPeriod(env.ctx, '2026-11-13', { pollMs: 50 });
    // ada (attention, video) and cy (video) get the new paper; bob too (attention); nobody gets yesterday's.
    expect(today).toMatchObject({ planned: 3, sent: 3, skipped: 0 });
    for (const mail of await env.sink.waitFor(3)) {
      expect(String(mail.parsed.html)).toContain('Fresh video transformer paper');
      expect(String(mail.parsed.html)).not.toContain('VideoMAE');
      expect(String(mail.parsed.html)).not.toContain('Sparse Attention');
    }
    env.sink.clear();
    const nothing = await runDigestPeriod(env.ctx, '2026-11-14', { pollMs: 50 });
    expect(nothing).toMatchObject({ planned: 3, sent: 0, skipped: 3, status: 'done' });
    expect(env.sink.messages).toHaveLength(0);
  });

  it('skips, with the reason, a delivery whose subscriber left between planning and sending', async () => {
    const db = env.ctx.db;
    env.sink.clear();
    await createPaper(db, 'Attention for the leavers test', { upvotes: 1 });
    // 2026-11-16 is a Monday: the Sunday weekly reader is not due.
    const plan = await planPeriod(env.ctx, '2026-11-16', { due: { kind: 'all' } });
    expect(plan.pending).toBe(2); // ada and bob follow attention; cy follows video only
    const bob = await db.subscriber.findUniqueOrThrow({ where: { email: 'bob@example.org' } });
    await db.subscriber.update({ where: { id: bob.id }, data: { status: 'unsubscribed' } });
    const running = startWorkers(env.ctx, { digestSend: (ctx) => createDigestSendProcessor(ctx) });
    try {
      await enqueueDigestBatches(env.ctx.queues, env.config, plan.digestId, plan.batches);
      await expect
        .poll(async () => (await db.digest.findUniqueOrThrow({ where: { id: plan.digestId } })).status)
        .toBe('done');
    } finally {
      await running.close();
    }
    expect(
      await db.delivery.findFirstOrThrow({ where: { digestId: plan.digestId, subscriberId: bob.id } }),
    ).toMatchObject({
      status: 'skipped',
      lastError: 'subscriber unsubscribed',
    });
    expect(env.sink.messages.map((m) => m.envelope.to[0])).toEqual(['ada@example.org']);
    expect(await db.digest.findUniqueOrThrow({ where: { id: plan.digestId } })).toMatchObject({
      planned: 3,
      sent: 1,
      skipped: 2,
    });
  });
});
