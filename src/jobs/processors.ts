// Which function handles each queue's jobs. Each feature adds its own entry.
import type { QueueKey } from './queues.js';
import type { ProcessorFactory } from './workers.js';
import { createEnrichProcessor } from './enrich-job.js';
import { createIngestProcessor } from './ingest-job.js';
import { createMailProcessor } from './mail-job.js';
import { createMaintenanceProcessor } from './maintenance-job.js';
import { createDigestPlanProcessor, createDigestSendProcessor } from './digest-jobs.js';

export const PROCESSORS: Partial<Record<QueueKey, ProcessorFactory>> = {
  ingest: (ctx) => createIngestProcessor(ctx),
  enrich: (ctx) => createEnrichProcessor(ctx),
  mail: (ctx) => createMailProcessor(ctx),
  maintenance: (ctx) => createMaintenanceProcessor(ctx),
  digestPlan: (ctx) => createDigestPlanProcessor(ctx),
  digestSend: (ctx) => createDigestSendProcessor(ctx),
};
