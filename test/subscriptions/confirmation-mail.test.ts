import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createMailProcessor } from '../../src/jobs/mail-job.js';
import { createMaintenanceProcessor, SWEEP_CONFIRMATIONS_JOB } from '../../src/jobs/maintenance-job.js';
import { startWorkers, type RunningWorkers } from '../../src/jobs/workers.js';
import { confirmJobId, requestConfirmation, sendConfirmation, sweepUnsentConfirmations } from '../../src/subscriptions/confirmation-mail.js';
import { verifyToken } from '../../src/subscriptions/tokens.js';
import { createTestEnv, type TestEnv } from '../helpers/context.js';

describe('confirmation email', () => {
  let env: TestEnv;

  beforeAll(async () => {
    env = await createTestEnv();
    await env.ctx.db.list.createMany({
      data: [
        { slug: 'trending', name: 'Trending', description: 'Top papers <b>today</b>' },
        { slug: 'llm', name: 'LLMs & "agents"', description: '' },
      ],
    });
  });
  afterAll(() => env.cleanup());
  beforeEach(async () => {
    env.sink.clear();
    env.sink.refuse(undefined);
    await env.ctx.db.subscriber.deleteMany();
  });

  async function pending(email = 'reader@example.org') {
    const lists = await env.ctx.db.list.findMany();
    return env.ctx.db.subscriber.create({
      data: {
        email,
        status: 'pending',
        timezone: 'Europe/Berlin',
        sendHour: 6,
        confirmRequestedAt: new Date(),
        subscriptions: { create: lists.map((l) => ({ listId: l.id })) },
      },
    });
  }

  it('sends HTML and text with a working confirm link, escaped list names, no List-Unsubscribe; once only', async () => {
    const reader = await pending();
    expect(await sendConfirmation(env.ctx, reader.id)).toBe('sent');
    const [mail] = await env.sink.waitFor(1);
    expect(mail!.envelope.to).toEqual(['reader@example.org']);
    expect(mail!.parsed.subject).toBe('Confirm your Paperboy subscription');
    const html = String(mail!.parsed.html);
    expect(html).toContain('LLMs &amp; &quot;agents&quot;');
    expect(html).toContain('Top papers &lt;b&gt;today&lt;/b&gt;');
    expect(html).toContain('every day at 06:00 Central European Time (Berlin)');
    expect(html).not.toContain('Europe/Berlin');
    // The inbox preview line is in the HTML, hidden, and not in the text part.
    expect(html).toContain('One click and your first digest');
    expect(mail!.parsed.text).not.toContain('One click and your first digest');
    const link = /href="(https:\/\/paperboy\.test\/confirm\/[^"]+)"/.exec(html)?.[1];
    expect(link).toBeTruthy();
    expect(mail!.parsed.text).toContain(link!);
    expect(mail!.parsed.text).toContain('LLMs & "agents"');
    expect(verifyToken(env.config.secretKey, 'confirm', link!.split('/').pop()!).sub).toBe(reader.id);
    expect(mail!.raw).not.toMatch(/^List-Unsubscribe:/im);
    expect(mail!.parsed.messageId).toMatch(/^<[0-9a-f]{24}@paperboy\.test>$/);

    expect(await sendConfirmation(env.ctx, reader.id)).toBe('already_sent');
    expect(env.sink.messages).toHaveLength(1);
    const row = await env.ctx.db.subscriber.findUniqueOrThrow({ where: { id: reader.id } });
    expect(row.confirmSentAt).toBeInstanceOf(Date);
  });

  it('sends nothing to an active reader with nothing left to confirm', async () => {
    const reader = await pending();
    await env.ctx.db.subscriber.update({ where: { id: reader.id }, data: { status: 'active' } });
    await env.ctx.db.subscription.updateMany({ where: { subscriberId: reader.id }, data: { confirmedAt: new Date() } });
    expect(await sendConfirmation(env.ctx, reader.id)).toBe('nothing_to_confirm');
    expect(env.sink.messages).toHaveLength(0);
  });

  it('the sweep finds requests that were never sent, and only those', async () => {
    const unsent = await pending('unsent@example.org');
    const sent = await pending('sent@example.org');
    await env.ctx.db.subscriber.update({ where: { id: sent.id }, data: { confirmSentAt: new Date(Date.now() + 1000) } });
    const fresh = await pending('fresh@example.org');
    const old = new Date(Date.now() - 5 * 60 * 1000);
    await env.ctx.db.subscriber.updateMany({ where: { id: { in: [unsent.id, sent.id] } }, data: { confirmRequestedAt: old } });
    await env.ctx.db.subscriber.update({ where: { id: sent.id }, data: { confirmSentAt: new Date() } });
    const result = await sweepUnsentConfirmations(env.ctx, { minAgeMs: 60_000 });
    expect(result).toEqual({ found: 1, enqueued: 1 });
    const job = await env.ctx.queues.mail.getJob(confirmJobId(unsent.id, old));
    expect(job?.data).toEqual({ subscriberId: unsent.id });
    expect(await env.ctx.queues.mail.getJob(confirmJobId(fresh.id, fresh.confirmRequestedAt!))).toBeUndefined();
  });

  describe('through the mail worker', () => {
    let workers: RunningWorkers;
    beforeAll(() => {
      workers = startWorkers(env.ctx, { mail: createMailProcessor, maintenance: createMaintenanceProcessor });
    });
    afterAll(() => workers.close());

    it('requestConfirmation enqueues one job per request; the worker sends it', async () => {
      const reader = await pending();
      await env.ctx.db.subscriber.update({ where: { id: reader.id }, data: { confirmRequestedAt: null } });
      expect(await requestConfirmation(env.ctx, reader.id)).toBe(true);
      expect(await requestConfirmation(env.ctx, reader.id)).toBe(false);
      await env.sink.waitFor(1);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(env.sink.to('reader@example.org')).toHaveLength(1);
    });

    it('a 4xx from SMTP is retried with backoff until it goes through', async () => {
      const reader = await pending();
      env.sink.refuse({ code: 451, message: 'try again later' });
      const requestedAt = reader.confirmRequestedAt!;
      await env.ctx.queues.mail.add('confirm', { subscriberId: reader.id }, { jobId: confirmJobId(reader.id, requestedAt), backoff: { type: 'fixed', delay: 200 } });
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(env.sink.messages).toHaveLength(0);
      env.sink.refuse(undefined);
      await env.sink.waitFor(1, { timeoutMs: 5000 });
      const job = await env.ctx.queues.mail.getJob(confirmJobId(reader.id, requestedAt));
      expect(job!.attemptsMade).toBeGreaterThan(0);
    });

    it('a 5xx fails the job at once without retrying and leaves it unsent', async () => {
      const reader = await pending();
      env.sink.refuse({ code: 550, message: 'no such user' });
      const jobId = confirmJobId(reader.id, reader.confirmRequestedAt!);
      await env.ctx.queues.mail.add('confirm', { subscriberId: reader.id }, { jobId });
      let state = '';
      for (let i = 0; i < 50 && state !== 'failed'; i += 1) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        state = await env.ctx.queues.mail.getJobState(jobId);
      }
      expect(state).toBe('failed');
      expect((await env.ctx.queues.mail.getJob(jobId))!.attemptsMade).toBe(1);
      const row = await env.ctx.db.subscriber.findUniqueOrThrow({ where: { id: reader.id } });
      expect(row.confirmSentAt).toBeNull();
      expect(row).toMatchObject({ bounceCount: 1 });
      expect(row.lastBounceAt).toBeInstanceOf(Date);
      // A request that bounced for good is not swept again.
      expect(await sweepUnsentConfirmations(env.ctx, { minAgeMs: 0 })).toEqual({ found: 0, enqueued: 0 });
    });

    it('the maintenance job runs the sweep', async () => {
      const reader = await pending();
      await env.ctx.queues.maintenance.add(SWEEP_CONFIRMATIONS_JOB, { minAgeMs: 0 });
      await env.sink.waitFor(1, { filter: (m) => m.envelope.to.includes('reader@example.org') });
      // The worker marks the request sent just after SMTP accepted it.
      await expect.poll(async () => (await env.ctx.db.subscriber.findUniqueOrThrow({ where: { id: reader.id } })).confirmSentAt).toBeInstanceOf(Date);
    });
  });
});
