// Repeating jobs, upserted at every boot: upsertJobScheduler is keyed by the
// scheduler id, so restarts and extra workers never create duplicates.
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { Redis } from '../redis.js';
import type { QueueKey, Queues } from './queues.js';
import { INGEST_SCHEDULER } from './ingest-job.js';
import { SWEEP_CONFIRMATIONS_SCHEDULER } from './maintenance-job.js';
import { DIGEST_SCHEDULERS } from './digest-jobs.js';

export interface SchedulerDefinition {
  id: string;
  queue: QueueKey;
  pattern: (config: Config) => string;
  jobName: string;
  data: Record<string, unknown>;
}

export const SCHEDULERS: SchedulerDefinition[] = [INGEST_SCHEDULER, SWEEP_CONFIRMATIONS_SCHEDULER, ...DIGEST_SCHEDULERS];

export async function upsertSchedulers(queues: Queues, config: Config): Promise<void> {
  for (const scheduler of SCHEDULERS) {
    await queues[scheduler.queue].upsertJobScheduler(
      scheduler.id,
      { pattern: scheduler.pattern(config), tz: 'UTC' },
      { name: scheduler.jobName, data: scheduler.data },
    );
  }
}

/**
 * Upserts now, and again each time the connection is ready after a drop: a
 * Redis that came back without its data (no persistence, a failover to an
 * empty replica) has lost every scheduler, and nothing else would bring back
 * the digest tick, the digest repair sweep or the confirmation sweep until a
 * worker restarts. Returns the function that stops watching.
 */
export async function keepSchedulers(redis: Redis, queues: Queues, config: Config, logger: Logger): Promise<() => void> {
  await upsertSchedulers(queues, config);
  const restore = () => {
    upsertSchedulers(queues, config).then(
      () => logger.info({ event: 'schedulers_restored' }, 'job schedulers upserted after Redis reconnected'),
      (error: unknown) => logger.warn({ event: 'schedulers_restore_failed', err: (error as Error).message }, 'could not upsert job schedulers'),
    );
  };
  redis.on('ready', restore);
  return () => void redis.off('ready', restore);
}
