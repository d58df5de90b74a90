// Digest queues' processors and schedulers. digest-plan runs the hourly tick,
// manual period plans and the repair sweep; digest-send sends one batch.
import { UnrecoverableError, type Job } from 'bullmq';
import { z } from 'zod';
import { getDigestRenderer } from '../digest/digest-service.js';
import { createGroupCache } from '../digest/group-cache.js';
import { createSendContentCache, SEND_CONTENT_MAX_AGE_MS } from '../digest/send-content.js';
import { learnedRecommender } from '../digest/learned-recommender.js';
import { planPeriod } from '../digest/planner.js';
import { createLimiter } from '../digest/limiter.js';
import { sendBatch, sendWindow, type SendDeps, type SendOptions } from '../digest/sender.js';
import { repairDigests } from '../digest/repair.js';
import { planDueDigests } from '../digest/tick.js';
import type { JobContext } from './deps.js';
import { DIGEST_JOBS } from './digest-queue.js';
import type { SchedulerDefinition } from './schedulers.js';
import type { Processor } from './workers.js';

export const DIGEST_SCHEDULERS: SchedulerDefinition[] = [
  // DIGEST_CRON must tick at least hourly: each tick plans whoever's send hour has come.
  {
    id: 'digest-tick',
    queue: 'digestPlan',
    pattern: (config) => config.digestCron,
    jobName: DIGEST_JOBS.tick,
    data: {},
  },
  // Re-enqueues batches whose job was lost (Redis flushed, retries exhausted, crash before enqueue).
  {
    id: 'digest-repair',
    queue: 'digestPlan',
    pattern: (config) => config.digestRepairCron,
    jobName: DIGEST_JOBS.repair,
    data: {},
  },
];

const planData = z.object({ digestId: z.number().int().positive(), period: z.iso.date() });
const sendData = z.object({ digestId: z.number().int().positive(), batch: z.number().int().positive() });

export function createDigestPlanProcessor(ctx: JobContext): Processor {
  return async (job: Job) => {
    const deps = {
      db: ctx.db,
      config: ctx.config,
      logger: ctx.logger,
      recommender: learnedRecommender,
      sendQueue: ctx.digestQueue,
    };
    if (job.name === DIGEST_JOBS.tick) {
      const results = await planDueDigests(deps, new Date());
      return results.map(({ digestId, period, planned, pending, skipped }) => ({
        digestId,
        period,
        planned,
        pending,
        skipped,
      }));
    }
    if (job.name === DIGEST_JOBS.plan) {
      const parsed = planData.safeParse(job.data);
      if (!parsed.success) throw new UnrecoverableError(`bad digest plan job: ${parsed.error.message}`);
      try {
        const result = await planPeriod(deps, parsed.data.period, { due: { kind: 'all' } });
        return { digestId: result.digestId, planned: result.planned, pending: result.pending, skipped: result.skipped };
      } catch (error) {
        if (job.attemptsMade + 1 >= (job.opts.attempts ?? 1)) {
          await ctx.db.digest.updateMany({
            where: { id: parsed.data.digestId, status: 'planning' },
            data: { status: 'failed' },
          });
        }
        throw error;
      }
    }
    if (job.name === DIGEST_JOBS.repair) return repairDigests(ctx);
    throw new UnrecoverableError(`unknown digest plan job ${job.name}`);
  };
}

/** One renderer, one render cache and one content cache per process; jobs carry only ids. */
export function createDigestSendProcessor(ctx: JobContext, options: SendOptions = {}): Processor {
  const cache = createGroupCache();
  const contents = createSendContentCache(SEND_CONTENT_MAX_AGE_MS);
  const limiter = createLimiter(sendWindow(ctx.config.smtp.poolSize));
  // MJML is compiled at start-up, not on the first job; a failure is retried by the first job.
  getDigestRenderer(ctx.config).catch((error: unknown) =>
    ctx.logger.error(
      { event: 'digest_template_failed', err: error instanceof Error ? error.message : String(error) },
      'digest template failed to compile',
    ),
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
      contents,
      limiter,
    };
    return sendBatch(deps, parsed.data.digestId, parsed.data.batch, options);
  };
}
