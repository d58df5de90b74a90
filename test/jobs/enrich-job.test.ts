// The enrich job on real Redis and Postgres: an ingest that stores papers
// without categories queues one enrichment run; workers run it.
import { Job } from 'bullmq';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createEnrichProcessor, enrichmentQueue, ENRICH_JOB } from '../../src/jobs/enrich-job.js';
import { createIngestProcessor, INGEST_HF_JOB } from '../../src/jobs/ingest-job.js';
import { startWorkers } from '../../src/jobs/workers.js';
import { requestEnrichment } from '../../src/papers/enrichment-request.js';
import type { TestEnv } from '../helpers/context.js';
import { VirtualClock } from '../helpers/virtual-clock.js';
import { createSourceEnv, type FixtureServer, readFixture, send } from '../papers/fixture-server.js';

// Virtual time: the 3 s gaps between arXiv requests cost nothing here.
const clock = new VirtualClock();

let env: TestEnv;
let server: FixtureServer;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  ({ env, server, cleanup } = await createSourceEnv());
});
afterAll(() => cleanup());
beforeEach(async () => {
  server.reset();
  server.hfDays.set('2025-09-08', JSON.parse(readFixture('hf/daily-papers-2025-09-08.json')) as unknown[]);
  await env.ctx.queues.enrich.obliterate({ force: true });
  await env.ctx.db.paper.deleteMany();
});

const ingestJob = () => new Job(env.ctx.queues.ingest, INGEST_HF_JOB, { source: 'hf', date: '2025-09-08' });
const waitingEnrichJobs = () => env.ctx.queues.enrich.getJobs(['waiting', 'active', 'delayed']);

describe('enrich job', () => {
  it('is queued once by ingests that store papers without categories', async () => {
    const ingest = createIngestProcessor(env.ctx, { fetch: { retries: 0 } });
    await ingest(ingestJob());
    await ingest(ingestJob());
    const jobs = await waitingEnrichJobs();
    expect(jobs.map((job) => job.name)).toEqual([ENRICH_JOB]);
    expect(jobs[0]!.data).toEqual({});
  });

  it('is not queued when no paper waits for it', async () => {
    expect(await requestEnrichment({ db: env.ctx.db, queue: enrichmentQueue(env.ctx.queues.enrich) })).toBe(false);
    expect(await waitingEnrichJobs()).toHaveLength(0);
  });

  it('never fails the ingest that asks for it', async () => {
    await createIngestProcessor(env.ctx, { fetch: { retries: 0 } })(ingestJob());
    const broken = { enqueue: () => Promise.reject(new Error('Redis is down')) };
    await expect(requestEnrichment({ db: env.ctx.db, queue: broken })).resolves.toBe(false);
  });

  it('does not retry a malformed answer', async () => {
    await createIngestProcessor(env.ctx, { fetch: { retries: 0 } })(ingestJob());
    server.handler = (_req, res) => send(res, 200, 'application/atom+xml', '<feed><entry>');
    const processor = createEnrichProcessor(env.ctx, { clock });
    await expect(processor(new Job(env.ctx.queues.enrich, ENRICH_JOB, {}))).rejects.toMatchObject({
      name: 'UnrecoverableError',
    });
  });

  it('runs after a real ingest job on the workers and fills in categories', async () => {
    const workers = startWorkers(env.ctx, {
      ingest: (ctx) => createIngestProcessor(ctx, { fetch: { retries: 0 } }),
      enrich: (ctx) => createEnrichProcessor(ctx, { clock }),
    });
    try {
      await env.ctx.queues.ingest.add(INGEST_HF_JOB, { source: 'hf', date: '2025-09-08' });
      await expect
        .poll(() => env.ctx.db.paper.count({ where: { NOT: { categories: { isEmpty: true } } } }), {
          timeout: 20_000,
          interval: 200,
        })
        .toBe(5);
      const titans = await env.ctx.db.paper.findUnique({ where: { arxivId: '2501.00663' } });
      expect(titans?.categories).toEqual(['cs.LG', 'cs.AI', 'cs.CL']);
    } finally {
      await workers.close();
    }
  });
});
