// The enrich queue: one job fills in the arXiv categories and author names of
// every paper waiting for them. Deduplicated on one id with keepLastIfActive,
// so across all workers at most one run is active (the 3 s gap between arXiv
// requests holds cluster-wide) and one more waits for papers stored meanwhile.
import { UnrecoverableError, type Job, type Queue } from 'bullmq';
import { enrichPapers, type EnrichDeps } from '../papers/arxiv-enrichment.js';
import type { EnrichmentQueue } from '../papers/enrichment-request.js';
import { IngestError } from '../papers/ingest-error.js';
import type { JobContext } from './deps.js';
import type { Processor } from './workers.js';

export const ENRICH_JOB = 'enrich-arxiv';
const DEDUPLICATION_ID = 'enrich-arxiv';

/** The EnrichmentQueue port on a BullMQ queue. Jobs carry nothing: the run reads what waits from Postgres. */
export function enrichmentQueue(queue: Queue): EnrichmentQueue {
  return {
    // A failed run retries after a minute, then two…: arXiv is down or refusing, and asking sooner would not help.
    enqueue: () =>
      queue.add(
        ENRICH_JOB,
        {},
        {
          deduplication: { id: DEDUPLICATION_ID, keepLastIfActive: true },
          backoff: { type: 'exponential', delay: 60_000 },
        },
      ),
  };
}

export function createEnrichProcessor(ctx: JobContext, overrides: Partial<EnrichDeps> = {}): Processor {
  return async (_job: Job) => {
    try {
      return await enrichPapers({ db: ctx.db, config: ctx.config, logger: ctx.logger, ...overrides });
    } catch (error) {
      // A malformed answer fails the same way on a retry; the next ingest asks again.
      if (error instanceof IngestError && !error.transient) throw new UnrecoverableError(error.message);
      throw error;
    }
  };
}
