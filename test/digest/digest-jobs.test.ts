import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { currentPeriod } from '../../src/digest/period.js';
import { repairDigests } from '../../src/digest/repair.js';
import { planPeriod } from '../../src/digest/planner.js';
import { createDigestPlanProcessor, createDigestSendProcessor } from '../../src/jobs/digest-jobs.js';
import { sendJobId } from '../../src/jobs/digest-queue.js';
import { createTestEnv, type TestEnv } from '../helpers/context.js';
import { createList, createPaper, createSubscriber, fakeJob } from './fixtures.js';

describe('digest plan jobs: the hourly tick and the repair sweep', () => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await createTestEnv();
  });
  afterAll(async () => {
    await env?.cleanup();
  });

  it('the tick plans whoever is due now and enqueues one send job per batch, with deterministic ids', async () => {
    const db = env.ctx.db;
    const list = await createList(db, { slug: 'trending', name: 'Trending' });
    await createPaper(db, 'Due right now', { upvotes: 1 });
    const due = await createSubscriber(db, 'due@example.org', [list.id], { timezone: 'UTC', sendHour: 0 });
    const process = createDigestPlanProcessor(env.ctx);
    const results = (await process(fakeJob('tick'))) as Array<{ digestId: number; period: string; planned: number }>;
    const today = results.find((r) => r.period === currentPeriod('UTC'))!;
    expect(today.planned).toBe(1);
    const delivery = await db.delivery.findFirstOrThrow({ where: { subscriberId: due.id } });
    const queued = await env.ctx.queues.digestSend.getJob(sendJobId(today.digestId, delivery.batch));
    expect(queued?.data).toEqual({ digestId: today.digestId, batch: delivery.batch });
    // A second tick in the same hour plans nothing more.
    const again = (await process(fakeJob('tick'))) as Array<{ period: string; planned: number }>;
    expect(again.find((r) => r.period === today.period)!.planned).toBe(0);
  });

  it('the repair sweep re-enqueues a batch whose job is gone, and only then', async () => {
    const db = env.ctx.db;
    const delivery = await db.delivery.findFirstOrThrow();
    expect((await repairDigests(env.ctx)).requeued).toBe(0); // fresh rows, live job
    await env.ctx.queues.digestSend.obliterate({ force: true });
    await db.$executeRawUnsafe(
      `UPDATE "Delivery" SET "updatedAt" = now() - interval '1 hour' WHERE id = $1`,
      delivery.id,
    );
    expect((await repairDigests(env.ctx)).requeued).toBe(1);
    const jobs = await env.ctx.queues.digestSend.getJobs(['waiting', 'delayed', 'prioritized']);
    expect(jobs.map((j) => j.data)).toEqual([{ digestId: delivery.digestId, batch: delivery.batch }]);
    expect((await repairDigests(env.ctx)).requeued).toBe(0); // its repair job is live now
  });

  it('plans page by page, past pages where nobody is due', async () => {
    const db = env.ctx.db;
    const list = await createList(db, { slug: 'paged', name: 'Paged' });
    await createPaper(db, 'Paged planning', { upvotes: 1 });
    // Four readers in id order: only the last is due.
    await createSubscriber(db, 'left@example.org', [list.id], { status: 'unsubscribed' });
    await createSubscriber(db, 'unconfirmed@example.org', [list.id], { confirmed: false });
    await createSubscriber(db, 'weekly@example.org', [list.id], { frequency: 'weekly', weekday: 0 });
    const due = await createSubscriber(db, 'last@example.org', [list.id]);
    // 2026-11-19 is a Thursday: the Sunday reader is not due.
    const plan = await planPeriod(env.ctx, '2026-11-19', { due: { kind: 'all' }, chunkSize: 1 });
    const planned = await db.delivery.findMany({
      where: { digestId: plan.digestId },
      select: { subscriber: { select: { email: true } } },
    });
    // The first test's reader, then the three pages of nobody, then the last.
    expect(planned.map((d) => d.subscriber?.email).sort()).toEqual(['due@example.org', due.email]);
    expect(plan.planned).toBe(2);
  });

  it('a sender closes the digest by its counters; the repair sweep recounts counters that drifted', async () => {
    const db = env.ctx.db;
    const list = await createList(db, { slug: 'drift', name: 'Drift' });
    await createPaper(db, 'Counted once', { upvotes: 1 });
    await createSubscriber(db, 'drift@example.org', [list.id]);
    const plan = await planPeriod(env.ctx, '2026-11-20', { due: { kind: 'all' } });
    expect(plan.pending).toBeGreaterThan(0);
    // Counters that count one delivery too many: a sender cannot tell, and leaves the digest open.
    await db.digest.update({ where: { id: plan.digestId }, data: { planned: { increment: 1 } } });
    const send = createDigestSendProcessor(env.ctx);
    for (const batch of plan.batches) await send(fakeJob('send', { digestId: plan.digestId, batch }));
    expect(await db.delivery.count({ where: { digestId: plan.digestId, status: 'pending' } })).toBe(0);
    expect((await db.digest.findUniqueOrThrow({ where: { id: plan.digestId } })).status).toBe('sending');
    // The sweep counts the rows themselves, and puts the counters right.
    await repairDigests(env.ctx);
    expect(await db.digest.findUniqueOrThrow({ where: { id: plan.digestId } })).toMatchObject({
      status: 'done',
      planned: plan.planned,
      sent: plan.pending,
    });
  });

  it('rejects malformed plan jobs without retrying', async () => {
    await expect(createDigestPlanProcessor(env.ctx)(fakeJob('plan', { period: 'soon' }))).rejects.toThrow(
      /bad digest plan job/,
    );
  });
});
