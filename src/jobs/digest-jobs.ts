// Digest queues' processors and schedulers. digest-plan runs the hourly tick,
// manual period plans and the repair sweep; digest-send sends one batch.
import { UnrecoverableError, type Job } from 'bullmq';
import { z } from 'zod';
import type { Context } from '../context.js';
import { finishDigestIfDone, findStrandedBatches } from '../digest/delivery-repo.js';
import { getDigestRenderer } from '../digest/digest-service.js';
import { createGroupCache } from '../digest/group-cache.js';
import { learnedRecommender } from '../digest/learned-recommender.js';
import { planPeriod } from '../digest/planner.js';
import { createLimiter } from '../digest/limiter.js';
import { sendBatch, sendWindow, type SendDeps, type SendOptions } from '../digest/sender.js';
import { planDueDigests } from '../digest/tick.js';
import { DIGEST_JOBS, enqueueDigestBatches, isJobLive, sendJobId } from './digest-queue.js';
import type { SchedulerDefinition } from './schedulers.js';
import type { Processor } from './workers.js';

export const DIGEST_SCHEDULERS: SchedulerDefinition[] = [
  // DIGEST_CRON must tick at least hourly: each tick plans whoever's send hour has come.
  { id: 'digest-tick', queue: 'digestPlan', pattern: (config) => config.digestCron, jobName: DIGEST_JOBS.tick, data: {} },
  // Re-enqueues batches whose job was lost (Redis flushed, retries exhausted, crash before enqueue).
  { id: 'digest-repair', queue: 'digestPlan', pattern: (config) => config.digestRepairCron, jobName: DIGEST_JOBS.repair, data: {} },
];

const planData = z.object({ digestId: z.number().int().positive(), period: z.iso.date() });
const sendData = z.object({ digestId: z.number().int().positive(), batch: z.number().int().positive() });

/**
 * Puts stranded batches back on the queue: rows pending or reclaimable while
 * no live job holds their batch. Repair job ids carry a 10-minute bucket, so
 * sweeps that run often add at most one job per batch per bucket. Pending
 * rows must have been idle for `idleSeconds` (default 2 minutes, so the
 * sweep never races a live job); after Redis lost its data no job is live,
 * and 0 takes them all at once.
 */
export async function repairDigests(
  ctx: Pick<Context, 'db' | 'queues' | 'config' | 'logger'>,
  options: { idleSeconds?: number } = {},
): Promise<{ requeued: number }> {
  const lease = ctx.config.digestLeaseSeconds;
  const stranded = await findStrandedBatches(ctx.db, options.idleSeconds ?? Math.max(2 * lease, 120), lease);
  let requeued = 0;
  const bucket = Math.floor(Date.now() / 600_000);
  for (const { digestId, batch } of stranded) {
    if (await isJobLive(ctx.queues, sendJobId(digestId, batch))) continue;
    if (await isJobLive(ctx.queues, `${sendJobId(digestId, batch)}-r${bucket}`)) continue;
    await enqueueDigestBatches(ctx.queues, ctx.config, digestId, [batch], `-r${bucket}`);
    requeued++;
  }
  const sending = await ctx.db.digest.findMany({ where: { status: 'sending' }, select: { id: true } });
  for (const { id } of sending) await finishDigestIfDone(ctx.db, id);
  if (requeued) ctx.logger.warn({ event: 'digest_batches_requeued', module: 'digest-repair', requeued }, 'stranded batches requeued');
  return { requeued };
}

export function createDigestPlanProcessor(ctx: Context): Processor {
  return async (job: Job) => {
    const deps = { db: ctx.db, config: ctx.config, logger: ctx.logger, recommender: learnedRecommender };
    if (job.name === DIGEST_JOBS.tick) {
      const results = await planDueDigests(deps, new Date());
      for (const r of results) await enqueueDigestBatches(ctx.queues, ctx.config, r.digestId, r.batches);
      return results.map(({ digestId, period, planned, pending, skipped }) => ({ digestId, period, planned, pending, skipped }));
    }
    if (job.name === DIGEST_JOBS.plan) {
      const parsed = planData.safeParse(job.data);
      if (!parsed.success) throw new UnrecoverableError(`bad digest plan job: ${parsed.error.message}`);
      try {
        const result = await planPeriod(deps, parsed.data.period, { due: { kind: 'all' } });
        await enqueueDigestBatches(ctx.queues, ctx.config, result.digestId, result.batches);
        return { digestId: result.digestId, planned: result.planned, pending: result.pending, skipped: result.skipped };
      } catch (error) {
        if (job.attemptsMade + 1 >= (job.opts.attempts ?? 1)) {
          await ctx.db.digest.updateMany({ where: { id: parsed.data.digestId, status: 'planning' }, data: { status: 'failed' } });
        }
        throw error;
      }
    }
    if (job.name === DIGEST_JOBS.repair) return repairDigests(ctx);
    throw new UnrecoverableError(`unknown digest plan job ${job.name}`);
  };
}

/** One renderer and one render cache per process; jobs carry only ids. */
export function createDigestSendProcessor(ctx: Context, options: SendOptions = {}): Processor {
  const cache = createGroupCache();
  const limiter = createLimiter(sendWindow(ctx.config.smtp.poolSize));
  // MJML is compiled at start-up, not on the first job; a failure is retried by the first job.
  getDigestRenderer(ctx.config).catch((error: unknown) =>
    ctx.logger.error({ event: 'digest_template_failed', err: error instanceof Error ? error.message : String(error) }, 'digest template failed to compile'),
  );
  return async (job: Job) => {
    const parsed = sendData.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError(`bad digest send job: ${parsed.error.message}`);
    const deps: SendDeps = {
      db: ctx.db,
      config: ctx.config,
      logger: ctx.logger,
      mailer: ctx.mailer,
      metrics: ctx.metrics,
      renderer: await getDigestRenderer(ctx.config),
      cache,
      limiter,
    };
    return sendBatch(deps, parsed.data.digestId, parsed.data.batch, options);
  };
}
