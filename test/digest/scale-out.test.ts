// Real `paperboy worker` processes against one period: killed with SIGKILL
// mid-send, and two at once. Exactly one email per subscriber, Postgres agrees.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runCounts } from '../../src/digest/delivery-repo.js';
import { planPeriod } from '../../src/digest/planner.js';
import { enqueueDigestBatches } from '../../src/jobs/digest-queue.js';
import { createTestEnv, type TestEnv } from '../helpers/context.js';
import { createList, createPaper, createSubscribersBulk } from './fixtures.js';
import { QuickSink } from './quick-sink.js';
import { spawnWorker, type WorkerProcess } from './worker-process.js';

const SETTINGS = {
  DIGEST_BATCH_SIZE: '50',
  DIGEST_LEASE_SECONDS: '2',
  DIGEST_RETRY_DELAY_MS: '200',
  WORKER_LOCK_MS: '2000',
  SMTP_POOL_SIZE: '5',
};

describe('scale-out and crash safety with worker processes', () => {
  let sink: QuickSink;
  let env: TestEnv;
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    sink = await new QuickSink().start();
    env = await createTestEnv({ SMTP_URL: sink.url, ...SETTINGS });
    const list = await createList(env.ctx.db, { slug: 'trending', name: 'Trending' });
    await createPaper(env.ctx.db, 'Attention is still all you need', { upvotes: 10 });
    await createSubscribersBulk(env.ctx.db, 2000, [list.id], 'kill.test');
  });
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.kill('SIGKILL')));
  });
  afterAll(async () => {
    await env?.cleanup();
    await sink?.stop();
  });

  async function plan(period: string) {
    const result = await planPeriod(env.ctx, period, { due: { kind: 'all' } });
    await enqueueDigestBatches(env.ctx.queues, env.config, result.digestId, result.batches);
    return result;
  }

  async function waitUntilDone(digestId: number, asOf: Date, timeoutMs = 60_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const counts = await runCounts(env.ctx.db, digestId, asOf);
      if (counts.open === 0) return counts;
      if (Date.now() > deadline) throw new Error(`digest not done: ${JSON.stringify(counts)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  it('a worker killed with SIGKILL mid-period, then restarted: every subscriber gets exactly one Message-ID', async () => {
    sink.messages.length = 0;
    sink.delayMs = 2; // keeps messages in flight when the kill lands
    const result = await plan('2026-11-12');
    expect(result.pending).toBe(2000);

    const t0 = Date.now();
    const first = await spawnWorker(env.config, SETTINGS);
    const t1 = Date.now();
    workers.push(first);
    await sink.waitFor(500);
    await first.kill('SIGKILL');
    const inFlight = await env.ctx.db.delivery.count({ where: { digestId: result.digestId, status: 'sending' } });
    const sentBefore = await env.ctx.db.delivery.count({ where: { digestId: result.digestId, status: 'sent' } });
    expect(sentBefore).toBeLessThan(2000);

    const t2 = Date.now();
    workers.push(await spawnWorker(env.config, SETTINGS));
    const t3 = Date.now();
    const counts = await waitUntilDone(result.digestId, result.asOf);
    const t4 = Date.now();
    expect(counts).toMatchObject({ planned: 2000, sent: 2000, failed: 0, skipped: 0 });

    const idsByRecipient = new Map<string, Set<string>>();
    for (const m of sink.messages) idsByRecipient.set(m.to, (idsByRecipient.get(m.to) ?? new Set()).add(m.messageId));
    expect(idsByRecipient.size).toBe(2000);
    for (const ids of idsByRecipient.values()) expect(ids.size).toBe(1);
    const repeats = sink.messages.length - 2000;
    expect(repeats).toBeLessThanOrEqual(inFlight);

    // Postgres agrees: every row sent with the Message-ID the sink saw, counters exact.
    const rows = await env.ctx.db.delivery.findMany({
      where: { digestId: result.digestId },
      select: { messageId: true, status: true },
    });
    const seen = new Set(sink.messages.map((m) => m.messageId));
    expect(rows.every((r) => r.status === 'sent' && seen.has(r.messageId))).toBe(true);
    const digest = await env.ctx.db.digest.findUniqueOrThrow({ where: { id: result.digestId } });
    expect(digest).toMatchObject({ status: 'done', planned: 2000, sent: 2000, failed: 0 });
    console.info(
      `kill test: ${sentBefore} sent before the kill, ${inFlight} in flight, ${repeats} repeated; ` +
        `spawn ${t1 - t0} ms, kill after ${t2 - t1} ms, respawn ${t3 - t2} ms, finish ${t4 - t3} ms`,
    );
  }, 90_000);

  it('two worker processes on one period: no duplicates, both did work', async () => {
    sink.messages.length = 0;
    sink.delayMs = 5; // slow enough that both workers get batches
    // A fresh audience: yesterday's 2,000 step aside, 400 new readers come in.
    await env.ctx.db.subscriber.updateMany({
      where: { email: { endsWith: '@kill.test' } },
      data: { status: 'unsubscribed' },
    });
    const list = await env.ctx.db.list.findUniqueOrThrow({ where: { slug: 'trending' } });
    await createSubscribersBulk(env.ctx.db, 400, [list.id], 'two.test');
    const settings = { ...SETTINGS, DIGEST_BATCH_SIZE: '20', WORKER_CONCURRENCY: '2' };
    const [a, b] = await Promise.all([spawnWorker(env.config, settings), spawnWorker(env.config, settings)]);
    workers.push(a, b);
    const result = await planPeriod(env.ctx, '2026-11-13', { due: { kind: 'all' }, batchSize: 20 });
    await enqueueDigestBatches(env.ctx.queues, env.config, result.digestId, result.batches);
    expect(result).toMatchObject({ pending: 400, batches: expect.any(Array) });
    expect(result.batches).toHaveLength(20);
    const counts = await waitUntilDone(result.digestId, result.asOf);
    expect(counts).toMatchObject({ sent: 400, failed: 0 });
    await new Promise((r) => setTimeout(r, 300));
    expect(sink.messages).toHaveLength(400);
    expect(new Set(sink.messages.map((m) => m.to)).size).toBe(400);
    expect(a.sentByThisWorker()).toBeGreaterThan(0);
    expect(b.sentByThisWorker()).toBeGreaterThan(0);
    expect(a.sentByThisWorker() + b.sentByThisWorker()).toBe(400);
  }, 90_000);
});
