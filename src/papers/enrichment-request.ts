// After an ingest: ask for an enrichment run when papers wait for their arXiv
// categories. The queue is a port declared here, by the consumer, so this
// folder never imports bullmq (src/jobs implements it).
import type { Db } from '../db.js';
import type { Logger } from '../logger.js';
import { hasPapersAwaitingEnrichment } from './enrichment-repo.js';

/** Queues one enrichment run; asking while one is already queued adds nothing. */
export interface EnrichmentQueue {
  enqueue(): Promise<unknown>;
}

/**
 * Queues a run when papers wait for one. Never throws: ingest has already
 * stored its papers, and a missed request is made good by the next ingest.
 */
export async function requestEnrichment(deps: { db: Db; queue: EnrichmentQueue; logger?: Logger }): Promise<boolean> {
  try {
    if (!(await hasPapersAwaitingEnrichment(deps.db))) return false;
    await deps.queue.enqueue();
    return true;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    deps.logger
      ?.child({ module: 'enrich' })
      .warn({ event: 'enrich_request_failed', err: message }, 'could not queue enrichment');
    return false;
  }
}
