// The ingest queue's processor and the daily Hugging Face scheduler. The
// cron (INGEST_CRON) ticks more often than daily on purpose: each tick reads
// yesterday's and today's daily pages again, so upvotes stay current and a
// late-published page is never missed; the upsert makes repeats harmless.
import { UnrecoverableError, type Job } from 'bullmq';
import { z } from 'zod';
import { IngestError } from '../papers/ingest-error.js';
import { ingestPapers, utcDate, type IngestDeps, type IngestSummary } from '../papers/ingest.js';
import { requestEnrichment } from '../papers/enrichment-request.js';
import type { JobContext } from './deps.js';
import { enrichmentQueue } from './enrich-job.js';
import type { SchedulerDefinition } from './schedulers.js';
import type { Processor } from './workers.js';

export const INGEST_HF_JOB = 'ingest-hf';

export const INGEST_SCHEDULER: SchedulerDefinition = {
  id: 'ingest-hf-daily',
  queue: 'ingest',
  pattern: (config) => config.ingestCron,
  jobName: INGEST_HF_JOB,
  data: { source: 'hf' },
};

// Jobs carry only what to read; a manual run may name one date.
const ingestJobSchema = z.object({
  source: z.literal('hf'),
  date: z.iso.date().optional(),
});

/** The dates a job reads: the one it names, or yesterday and today (UTC). */
export function ingestDates(data: { date?: string }, now: Date): string[] {
  if (data.date) return [data.date];
  return [utcDate(new Date(now.getTime() - 24 * 3600 * 1000)), utcDate(now)];
}

export function createIngestProcessor(ctx: JobContext, overrides: Partial<IngestDeps> = {}): Processor {
  return async (job: Job) => {
    const parsed = ingestJobSchema.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError(`bad ingest job data: ${parsed.error.message}`);
    const deps: IngestDeps = { db: ctx.db, config: ctx.config, logger: ctx.logger, metrics: ctx.metrics, ...overrides };
    const results: Array<Omit<IngestSummary, 'skipped'> & { date: string; skipped: number }> = [];
    for (const date of ingestDates(parsed.data, deps.now?.() ?? new Date())) {
      try {
        const summary = await ingestPapers(deps, { source: 'hf', date });
        results.push({ ...summary, date, skipped: summary.skipped.length });
      } catch (error) {
        // A 4xx or a malformed document fails the same way on a retry; the next tick tries afresh.
        if (error instanceof IngestError && !error.transient) throw new UnrecoverableError(error.message);
        throw error;
      }
    }
    // Its own job: ingest never waits for arXiv, and never fails because of it.
    await requestEnrichment({ db: deps.db, queue: enrichmentQueue(ctx.queues.enrich), logger: deps.logger });
    return results;
  };
}
