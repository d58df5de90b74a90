// The 'maintenance' queue: sweeps that repair what an outage left undone.
// Each task is one job name with its own scheduler; a task must be safe to
// run twice at once (several workers) and to skip a tick.
import { UnrecoverableError, type Job } from 'bullmq';
import { addressConfirmationLimit } from '../subscriptions/confirmation-mail.js';
import { drainConfirmationOutbox } from '../subscriptions/confirmation-outbox.js';
import { repairDigests } from '../digest/repair.js';
import type { JobContext } from './deps.js';
import type { SchedulerDefinition } from './schedulers.js';
import type { Processor } from './workers.js';

export const SWEEP_CONFIRMATIONS_JOB = 'sweep-confirmations';

type MaintenanceTask = (ctx: JobContext, job: Job) => Promise<unknown>;

/** One entry per job name; other features add their sweeps here. */
export const MAINTENANCE_TASKS: Record<string, MaintenanceTask> = {
  // Each worker polls the outbox every second; this drain is the backstop
  // should a worker's poller be stuck.
  [SWEEP_CONFIRMATIONS_JOB]: (ctx) =>
    drainConfirmationOutbox({ ...ctx, confirmationLimit: addressConfirmationLimit(ctx) }),
};

/** Every minute. */
export const SWEEP_CONFIRMATIONS_SCHEDULER: SchedulerDefinition = {
  id: 'sweep-confirmations',
  queue: 'maintenance',
  pattern: () => '* * * * *',
  jobName: SWEEP_CONFIRMATIONS_JOB,
  data: {},
};

/**
 * The digest repair sweep at once, without its idle floor: after Redis lost
 * its data no job is live, so the batches Postgres still holds as unfinished
 * need a new job now, not in minutes. (Confirmations need no Redis.)
 */
export async function repairAfterRedisLoss(ctx: JobContext): Promise<void> {
  await repairDigests(ctx, { idleSeconds: 0 });
}

export function createMaintenanceProcessor(ctx: JobContext): Processor {
  return async (job: Job) => {
    const task = MAINTENANCE_TASKS[job.name];
    if (!task) throw new UnrecoverableError(`unknown maintenance job ${job.name}`);
    return task(ctx, job);
  };
}
