// Planning commits and enqueues chunk by chunk, so sending starts while the
// rest of the period is planned; the digest must still close only once its
// last reader is planned and sent.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planPeriod } from '../../src/digest/planner.js';
import { createDigestPlanProcessor, createDigestSendProcessor } from '../../src/jobs/digest-jobs.js';
import { createTestEnv, type TestEnv } from '../helpers/context.js';
import { createList, createPaper, createSubscriber, fakeJob } from './fixtures.js';

describe('planning a period chunk by chunk', () => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await createTestEnv();
    const list = await createList(env.ctx.db, { slug: 'chunks', name: 'Chunks' });
    await createPaper(env.ctx.db, 'Planned in chunks', { upvotes: 3 });
    for (let i = 0; i < 5; i++) await createSubscriber(env.ctx.db, `reader${i}@example.org`, [list.id]);
  });
  afterAll(async () => {
    await env?.cleanup();
  });

  it('commits each chunk and enqueues its batches before planning the next; a sender that catches up cannot close the digest', async () => {
    const db = env.ctx.db;
    const send = createDigestSendProcessor(env.ctx);
    const seen: Array<{ batches: number[]; committed: number; status: string; closedEarly: boolean }> = [];
    const sendQueue = {
      async enqueueBatches(digestId: number, batches: number[]) {
        // Another connection: only committed rows are visible to it.
        const committed = await db.delivery.count({ where: { digestId } });
        // Send at once, as an idle worker would, and let it try to close the digest.
        for (const batch of batches) await send(fakeJob('send', { digestId, batch }));
        const digest = await db.digest.findUniqueOrThrow({ where: { id: digestId } });
        seen.push({ batches, committed, status: digest.status, closedEarly: digest.finishedAt !== null });
      },
    };
    const plan = await planPeriod({ ...env.ctx, sendQueue }, '2026-11-23', {
      due: { kind: 'all' },
      chunkSize: 2,
      batchSize: 1,
    });

    expect(seen.map((s) => s.committed)).toEqual([2, 4, 5]);
    expect(seen.map((s) => s.status)).toEqual(['planning', 'planning', 'planning']);
    expect(seen.some((s) => s.closedEarly)).toBe(false);
    // Every batch enqueued once, and the run reports them all.
    const enqueued = seen.flatMap((s) => s.batches);
    expect(new Set(enqueued).size).toBe(5);
    expect(plan.batches).toEqual([...enqueued].sort((a, b) => a - b));
    expect(plan).toMatchObject({ planned: 5, pending: 5, skipped: 0 });
    const rows = await db.delivery.findMany({
      where: { digestId: plan.digestId },
      select: { batch: true, status: true },
    });
    expect(rows.map((r) => r.batch).sort((a, b) => a - b)).toEqual(plan.batches);
    expect(rows.every((r) => r.status === 'sent')).toBe(true);
    expect(env.sink.messages.length).toBe(5);
    // Every row was sent during planning: ending the run is what closes the digest.
    expect(await db.digest.findUniqueOrThrow({ where: { id: plan.digestId } })).toMatchObject({
      status: 'done',
      planned: 5,
      sent: 5,
    });
  });

  it('a run that stops half-way keeps the chunks it committed, and the next run plans only the rest', async () => {
    const db = env.ctx.db;
    await createPaper(db, 'Planned the next day', { upvotes: 2 });
    let chunks = 0;
    const failing = {
      enqueueBatches() {
        chunks++;
        return chunks === 2 ? Promise.reject(new Error('queue down')) : Promise.resolve();
      },
    };
    await expect(
      planPeriod({ ...env.ctx, sendQueue: failing }, '2026-11-24', { due: { kind: 'all' }, chunkSize: 2 }),
    ).rejects.toThrow('queue down');
    const digest = await db.digest.findUniqueOrThrow({ where: { period: '2026-11-24' } });
    // Both committed chunks stay (the second's batch is the repair sweep's to find); the digest is still planning.
    expect(await db.delivery.count({ where: { digestId: digest.id } })).toBe(4);
    expect(digest.status).toBe('planning');

    const rerun = await planPeriod(env.ctx, '2026-11-24', { due: { kind: 'all' }, chunkSize: 2 });
    expect(rerun.planned).toBe(1);
    expect(await db.delivery.count({ where: { digestId: digest.id } })).toBe(5);
    expect(await db.digest.findUniqueOrThrow({ where: { id: digest.id } })).toMatchObject({
      status: 'sending',
      planned: 5,
    });
  });

  it('a plan job that gives up leaves the digest failed, also once its committed chunks are sent', async () => {
    const db = env.ctx.db;
    await createPaper(db, 'Planned by a job that gives up', { upvotes: 2 });
    const digest = await db.digest.create({ data: { period: '2026-11-25', status: 'planning' } });
    const enqueued: number[] = [];
    const digestQueue = {
      ...env.ctx.digestQueue,
      enqueueBatches(_digestId: number, batches: number[]) {
        // The chunk has committed: its batches exist, but their jobs are lost.
        enqueued.push(...batches);
        return Promise.reject(new Error('queue down'));
      },
    };
    const plan = createDigestPlanProcessor({ ...env.ctx, digestQueue });
    const lastAttempt = fakeJob('plan', { digestId: digest.id, period: '2026-11-25' }, { made: 2, allowed: 3 });
    await expect(plan(lastAttempt)).rejects.toThrow('queue down');
    expect((await db.digest.findUniqueOrThrow({ where: { id: digest.id } })).status).toBe('failed');

    // What committed still goes out (here by hand, as the repair sweep would), and the failure stays visible.
    const send = createDigestSendProcessor(env.ctx);
    for (const batch of enqueued) await send(fakeJob('send', { digestId: digest.id, batch }));
    expect(enqueued.length).toBeGreaterThan(0);
    expect(await db.delivery.count({ where: { digestId: digest.id, status: 'sent' } })).toBe(5);
    expect((await db.digest.findUniqueOrThrow({ where: { id: digest.id } })).status).toBe('failed');
  });
});
