// The repair sweep: deliveries whose batch lost its job (Redis flushed,
// retries exhausted, a crash between commit and enqueue) are put back on the
// queue, and digests whose last delivery settled meanwhile are finished.
import type { Config } from '../config.js';
import type { Db } from '../db.js';
import type { Logger } from '../logger.js';
import { finishDigestIfDone, findStrandedBatches } from './delivery-repo.js';
import type { DigestQueue } from './queue-port.js';

export interface RepairDeps {
  db: Db;
  config: Pick<Config, 'digestLeaseSeconds'>;
  logger: Logger;
  digestQueue: Pick<DigestQueue, 'requeueStranded'>;
}

/**
 * Puts stranded batches back on the queue: rows pending or reclaimable while
 * no live job holds their batch. Pending rows must have been idle for
 * `idleSeconds` (default twice the lease, at least 2 minutes, so the sweep
 * never races a live job); after Redis lost its data no job is live, and 0
 * takes them all at once.
 */
export async function repairDigests(
  deps: RepairDeps,
  options: { idleSeconds?: number } = {},
): Promise<{ requeued: number }> {
  const lease = deps.config.digestLeaseSeconds;
  const stranded = await findStrandedBatches(deps.db, options.idleSeconds ?? Math.max(2 * lease, 120), lease);
  let requeued = 0;
  for (const { digestId, batch } of stranded) {
    if (await deps.digestQueue.requeueStranded(digestId, batch)) requeued++;
  }
  const sending = await deps.db.digest.findMany({ where: { status: 'sending' }, select: { id: true } });
  for (const { id } of sending) await finishDigestIfDone(deps.db, id);
  if (requeued)
    deps.logger.warn(
      { event: 'digest_batches_requeued', module: 'digest-repair', requeued },
      'stranded batches requeued',
    );
  return { requeued };
}
