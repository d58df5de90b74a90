// Repeating jobs, upserted at every boot: upsertJobScheduler is keyed by the
// scheduler id, so restarts and extra workers never create duplicates.
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { Redis } from '../redis.js';
import type { QueueKey, Queues } from './queues.js';
import { INGEST_SCHEDULER } from './ingest-job.js';
import { SWEEP_CONFIRMATIONS_SCHEDULER } from './maintenance-job.js';
import { DIGEST_SCHEDULERS } from './digest-jobs.js';
import { watchRedisLoss } from './redis-loss.js';

export interface SchedulerDefinition {
  id: string;
  queue: QueueKey;
  pattern: (config: Config) => string;
  jobName: string;
  data: Record<string, unknown>;
}

export const SCHEDULERS: SchedulerDefinition[] = [
  INGEST_SCHEDULER,
  SWEEP_CONFIRMATIONS_SCHEDULER,
  ...DIGEST_SCHEDULERS,
];

export async function upsertSchedulers(queues: Queues, config: Config): Promise<void> {
  for (const scheduler of SCHEDULERS) {
    await queues[scheduler.queue].upsertJobScheduler(
      scheduler.id,
      { pattern: scheduler.pattern(config), tz: 'UTC' },
      { name: scheduler.jobName, data: scheduler.data },
    );
  }
}

/** True when any scheduler is gone: what a Redis that lost its data looks like from here. */
export async function schedulersMissing(queues: Queues): Promise<boolean> {
  for (const scheduler of SCHEDULERS) {
    if (!(await queues[scheduler.queue].getJobScheduler(scheduler.id))) return true;
  }
  return false;
}

/**
 * Upserts now, and again as soon as Redis is found to have lost its data (no
 * persistence, a failover to an empty replica): every scheduler is gone
 * then, and nothing else would bring back the digest tick, the repair sweep
 * or the confirmation sweep until a worker restarts. `afterLoss` then
 * repairs at once what the lost jobs left undone. Returns the function that
 * stops watching.
 */
export async function keepSchedulers(
  redis: Redis,
  queues: Queues,
  config: Config,
  logger: Logger,
  options: { afterLoss?: () => Promise<unknown>; checkEveryMs?: number } = {},
): Promise<() => void> {
  await upsertSchedulers(queues, config);
  return watchRedisLoss({
    redis,
    logger,
    checkEveryMs: options.checkEveryMs,
    keysMissing: () => schedulersMissing(queues),
    onLoss: async () => {
      await upsertSchedulers(queues, config);
      logger.info({ event: 'schedulers_restored' }, 'job schedulers upserted after Redis lost its data');
      await options.afterLoss?.();
    },
  });
}
