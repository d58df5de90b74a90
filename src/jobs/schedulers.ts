// Repeating jobs, upserted at every boot: upsertJobScheduler is keyed by the
// scheduler id, so restarts and extra workers never create duplicates.
import type { Config } from '../config.js';
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
