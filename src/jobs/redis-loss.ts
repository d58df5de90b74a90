// Noticing that Redis lost its data. A Redis without persistence that
// restarts, or a failover to an empty replica, drops every job and scheduler
// without telling anyone; the connection merely drops and comes back. Two
// signs give it away: the server's run_id (new at every start) changed, or
// keys that are always there while a worker runs (the job schedulers) are
// missing. Checked when the connection is ready again and every few seconds
// (a FLUSHALL drops no connection).
import type { Logger } from '../logger.js';
import type { Redis } from '../redis.js';

export type RedisLossReason = 'run_id_changed' | 'keys_missing';

export interface RedisLossWatch {
  redis: Redis;
  logger: Logger;
  /** True when keys that must exist are gone (nothing under QUEUE_PREFIX counts as gone). */
  keysMissing: () => Promise<boolean>;
  /** Puts things back; runs once per loss noticed, never twice at once. */
  onLoss: (reason: RedisLossReason) => Promise<void>;
  checkEveryMs?: number;
}

async function readRunId(redis: Redis): Promise<string | undefined> {
  return /^run_id:(\w+)/m.exec(await redis.info('server'))?.[1];
}

/** Starts watching; returns the function that stops. The first check only learns the run_id. */
export async function watchRedisLoss(watch: RedisLossWatch): Promise<() => void> {
  const { redis, logger } = watch;
  // Unknown while Redis is down at start: the first check that reaches it
  // learns the run_id, and logs its own failures.
  let runId = await readRunId(redis).catch(() => undefined);
  let checking = false;

  const check = async () => {
    if (checking || redis.status !== 'ready') return;
    checking = true;
    try {
      const current = await readRunId(redis);
      const reason: RedisLossReason | undefined =
        runId && current && current !== runId
          ? 'run_id_changed'
          : (await watch.keysMissing())
            ? 'keys_missing'
            : undefined;
      if (reason) {
        logger.warn(
          { event: 'redis_data_lost', module: 'jobs', reason },
          'Redis lost its data: restoring schedulers and repairing at once',
        );
        await watch.onLoss(reason);
      }
      // Only now: a repair that failed is tried again at the next check.
      runId = current ?? runId;
    } catch (error) {
      // Redis went away again mid-check: the next ready event or tick retries.
      logger.warn(
        { event: 'redis_loss_check_failed', module: 'jobs', err: (error as Error).message },
        'could not check Redis for lost data',
      );
    } finally {
      checking = false;
    }
  };
  const onReady = () => void check();
  redis.on('ready', onReady);
  const timer = setInterval(onReady, watch.checkEveryMs ?? 5000);
  timer.unref();
  return () => {
    clearInterval(timer);
    redis.off('ready', onReady);
  };
}
