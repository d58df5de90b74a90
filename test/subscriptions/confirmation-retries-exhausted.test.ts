// SMTP down for longer than a confirmation job's retries: the job ends
// failed in Redis under its deterministic id, so adding that id again is a
// no-op. The sweep must start it over, or the reader never gets the email.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMailProcessor } from '../../src/jobs/mail-job.js';
import { startWorkers, type RunningWorkers } from '../../src/jobs/workers.js';
import { confirmJobId, MAIL_JOBS, sweepUnsentConfirmations } from '../../src/subscriptions/confirmation-mail.js';
import { createTestEnv, type TestEnv } from '../helpers/context.js';

describe('a confirmation whose mail job ran out of retries', () => {
  let env: TestEnv;
  let workers: RunningWorkers;

  beforeAll(async () => {
    env = await createTestEnv();
    workers = startWorkers(env.ctx, { mail: createMailProcessor });
  });
  afterAll(async () => {
    await workers.close();
    await env.cleanup();
  });

  it('is sent by the next sweep once SMTP answers again, exactly once', async () => {
    const list = await env.ctx.db.list.create({ data: { slug: 'trending', name: 'Trending' } });
    const reader = await env.ctx.db.subscriber.create({
      data: { email: 'patient@example.org', status: 'pending', confirmRequestedAt: new Date(), subscriptions: { create: [{ listId: list.id }] } },
    });
    const jobId = confirmJobId(reader.id, reader.confirmRequestedAt!);

    // Two quick tries stand in for the eight-try, two-minute backoff of a real outage.
    env.sink.refuse({ code: 451, message: '4.3.0 relay unavailable' });
    await env.ctx.queues.mail.add(MAIL_JOBS.confirm, { subscriberId: reader.id }, { jobId, attempts: 2, backoff: { type: 'fixed', delay: 50 } });
    await expect.poll(() => env.ctx.queues.mail.getJobState(jobId), { timeout: 10_000, interval: 50 }).toBe('failed');
    expect(env.sink.messages).toHaveLength(0);

    env.sink.refuse(undefined);
    expect(await sweepUnsentConfirmations(env.ctx, { minAgeMs: 0 })).toEqual({ found: 1, enqueued: 1 });
    await env.sink.waitFor(1, { timeoutMs: 10_000 });
    await expect
      .poll(async () => (await env.ctx.db.subscriber.findUniqueOrThrow({ where: { id: reader.id } })).confirmSentAt, { timeout: 5000 })
      .toBeInstanceOf(Date);
    // A second sweep finds nothing left to send.
    expect(await sweepUnsentConfirmations(env.ctx, { minAgeMs: 0 })).toEqual({ found: 0, enqueued: 0 });
    await new Promise((r) => setTimeout(r, 300));
    expect(env.sink.to('patient@example.org')).toHaveLength(1);
  });
});
