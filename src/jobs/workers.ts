// Starts one BullMQ worker per queue that has a processor. Workers hold no
// state between jobs: any number of processes on any machines can run them.
import { Worker, type Job } from 'bullmq';
import { logErrorsEvery } from '../logger.js';
import { createRedis } from '../redis.js';
import type { JobContext } from './deps.js';
import { QUEUE_NAMES, type QueueKey } from './queues.js';

export type Processor = (job: Job) => Promise<unknown>;
export type ProcessorFactory = (ctx: JobContext) => Processor;

export interface RunningWorkers {
  workers: Worker[];
  close(): Promise<void>;
}

export function startWorkers(
  ctx: JobContext,
  processors: Partial<Record<QueueKey, ProcessorFactory>>,
  options: { concurrency?: Partial<Record<QueueKey, number>> } = {},
): RunningWorkers {
  const connection = createRedis(ctx.config.redisUrl, 'worker', logErrorsEvery(ctx.logger, 'redis_error'));
  const log = ctx.logger.child({ module: 'worker' });
  const workers = (Object.keys(processors) as QueueKey[]).map((key) => {
    const processor = processors[key]!(ctx);
    const worker = new Worker(QUEUE_NAMES[key], processor, {
      connection,
      prefix: ctx.config.queuePrefix,
      concurrency: options.concurrency?.[key] ?? ctx.config.workerConcurrency,
      lockDuration: ctx.config.workerLockMs,
      stalledInterval: ctx.config.workerLockMs,
    });
    worker.on('failed', (job, error) => {
      log.warn(
        { event: 'job_failed', queue: key, jobId: job?.id, attempt: job?.attemptsMade, err: error.message },
        'job failed',
      );
    });
    worker.on('error', (error) => log.error({ event: 'worker_error', queue: key, err: error.message }, 'worker error'));
    return worker;
  });
  return {
    workers,
    async close() {
      // close() waits for active jobs to finish: no job is cut in half.
      await Promise.all(workers.map((worker) => worker.close()));
      connection.disconnect();
    },
  };
}
