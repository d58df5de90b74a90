// Producing digest jobs. Jobs carry ids and batch numbers only; job ids are
// deterministic (no ':' in them), so enqueueing the same batch twice while
// the first job lives is a no-op. Postgres' status lock makes a duplicate
// that does get through harmless anyway.
import type { JobsOptions } from 'bullmq';
import type { Config } from '../config.js';
import type { DigestQueue, PlanRun } from '../digest/queue-port.js';
import { MAIL_JOBS, type Queues } from './queues.js';

export const DIGEST_JOBS = { tick: 'tick', plan: 'plan', repair: 'repair', send: 'send' } as const;

/** Job tries of a batch: a little above the per-delivery limit, which is what really ends retries. */
export const SEND_JOB_ATTEMPTS = 10;

export const sendJobId = (digestId: number, batch: number) => `digest-${digestId}-${batch}`;

export function sendJobOptions(config: Pick<Config, 'digestRetryDelayMs'>): JobsOptions {
  return { attempts: SEND_JOB_ATTEMPTS, backoff: { type: 'exponential', delay: config.digestRetryDelayMs } };
}

export async function enqueueDigestBatches(
  queues: Pick<Queues, 'digestSend'>,
  config: Pick<Config, 'digestRetryDelayMs'>,
  digestId: number,
  batches: number[],
  jobIdSuffix = '',
): Promise<void> {
  const options = sendJobOptions(config);
  for (let i = 0; i < batches.length; i += 500) {
    await queues.digestSend.addBulk(
      batches.slice(i, i + 500).map((batch) => ({
        name: DIGEST_JOBS.send,
        data: { digestId, batch },
        opts: { ...options, jobId: `${sendJobId(digestId, batch)}${jobIdSuffix}` },
      })),
    );
  }
}

/** Removed when finished, so a later trigger of the same period plans again (idempotently). */
export async function enqueueDigestPlan(
  queues: Pick<Queues, 'digestPlan'>,
  digestId: number,
  period: string,
): Promise<PlanRun> {
  const job = await queues.digestPlan.add(
    DIGEST_JOBS.plan,
    { digestId, period },
    { jobId: `digest-plan-${period}`, attempts: 5, removeOnComplete: true, removeOnFail: true },
  );
  return { id: job.id ?? `digest-plan-${period}`, state: await job.getState() };
}

/** True when a job with this id is waiting, delayed or running. */
export async function isJobLive(queues: Pick<Queues, 'digestSend'>, jobId: string): Promise<boolean> {
  const job = await queues.digestSend.getJob(jobId);
  if (!job) return false;
  const state = await job.getState();
  return ['waiting', 'delayed', 'active', 'prioritized', 'waiting-children'].includes(state);
}

/**
 * The digest folder's queue port on BullMQ. Repair job ids carry a
 * 10-minute bucket, so sweeps that run often add at most one job per batch
 * per bucket; a resend gets an id of its own, as the batch's job may have
 * completed long ago.
 */
export function createDigestQueue(
  queues: Pick<Queues, 'digestPlan' | 'digestSend' | 'mail'>,
  config: Pick<Config, 'digestRetryDelayMs'>,
): DigestQueue {
  return {
    enqueuePlan: (digestId, period) => enqueueDigestPlan(queues, digestId, period),
    enqueueBatches: (digestId, batches) => enqueueDigestBatches(queues, config, digestId, batches),
    resendBatch: (digestId, batch, deliveryId) =>
      enqueueDigestBatches(queues, config, digestId, [batch], `-resend-${deliveryId}-${Date.now()}`),
    async requeueStranded(digestId, batch) {
      const bucket = Math.floor(Date.now() / 600_000);
      if (await isJobLive(queues, sendJobId(digestId, batch))) return false;
      if (await isJobLive(queues, `${sendJobId(digestId, batch)}-r${bucket}`)) return false;
      await enqueueDigestBatches(queues, config, digestId, [batch], `-r${bucket}`);
      return true;
    },
    async enqueueTestSend(testSendId) {
      await queues.mail.add(MAIL_JOBS.testSend, { testSendId }, { jobId: `test-send-${testSendId}` });
    },
  };
}
