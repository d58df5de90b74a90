// The 'maintenance' queue: sweeps that repair what an outage left undone.
// Each task is one job name with its own scheduler; a task must be safe to
// run twice at once (several workers) and to skip a tick.
import { UnrecoverableError, type Job } from 'bullmq';
import type { Context } from '../context.js';
import { sweepUnsentConfirmations } from '../subscriptions/confirmation-mail.js';
import { repairDigests } from './digest-jobs.js';
import type { SchedulerDefinition } from './schedulers.js';
import type { Processor } from './workers.js';

export const SWEEP_CONFIRMATIONS_JOB = 'sweep-confirmations';

type MaintenanceTask = (ctx: Context, job: Job) => Promise<unknown>;

/** One entry per job name; other features add their sweeps here. */
export const MAINTENANCE_TASKS: Record<string, MaintenanceTask> = {
  // A sign-up answered while Redis was down left its confirmation in Postgres only.
  [SWEEP_CONFIRMATIONS_JOB]: (ctx, job) => sweepUnsentConfirmations(ctx, sweepOptions(job.data)),
};

/** Every minute: a confirmation is at most about two minutes late after Redis returns. */
export const SWEEP_CONFIRMATIONS_SCHEDULER: SchedulerDefinition = {
  id: 'sweep-confirmations',
  queue: 'maintenance',
  pattern: () => '* * * * *',
  jobName: SWEEP_CONFIRMATIONS_JOB,
  data: {},
};

/**
 * Every repair sweep at once, without their idle floors: after Redis lost
 * its data no job is live, so whatever Postgres still holds as unfinished
 * (digest batches, confirmations) needs a new job now, not in minutes.
 */
export async function repairAfterRedisLoss(ctx: Context): Promise<void> {
  await repairDigests(ctx, { idleSeconds: 0 });
  await sweepUnsentConfirmations(ctx, { minAgeMs: 0 });
}

function sweepOptions(data: unknown): { minAgeMs?: number } {
  const minAgeMs = (data as { minAgeMs?: unknown } | null)?.minAgeMs;
  return typeof minAgeMs === 'number' && minAgeMs >= 0 ? { minAgeMs } : {};
}

export function createMaintenanceProcessor(ctx: Context): Processor {
  return async (job: Job) => {
    const task = MAINTENANCE_TASKS[job.name];
    if (!task) throw new UnrecoverableError(`unknown maintenance job ${job.name}`);
    return task(ctx, job);
  };
}
