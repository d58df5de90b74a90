// The daily ingest scheduler in Redis, and the processor run on a real job.
import { Job } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIngestProcessor, INGEST_SCHEDULER, ingestDates } from '../../src/jobs/ingest-job.js';
import { upsertSchedulers } from '../../src/jobs/schedulers.js';
import { createTestEnv, type TestEnv } from '../helpers/context.js';
import { FixtureServer, readFixture } from '../papers/fixture-server.js';

let env: TestEnv;
let server: FixtureServer;

beforeAll(async () => {
  server = await new FixtureServer().start();
  env = await createTestEnv({ HF_BASE_URL: server.url, INGEST_CRON: '15 6 * * *' });
});
afterAll(async () => {
  await env.cleanup();
  await server.stop();
});

describe('ingest scheduler', () => {
  it('exists in Redis after boot, once after two boots, with the configured cron', async () => {
    await upsertSchedulers(env.ctx.queues, env.config);
    await upsertSchedulers(env.ctx.queues, env.config);
    const schedulers = await env.ctx.queues.ingest.getJobSchedulers();
    const ours = schedulers.filter((s) => s.key === INGEST_SCHEDULER.id);
    expect(ours).toHaveLength(1);
    expect(ours[0]).toMatchObject({ pattern: '15 6 * * *', tz: 'UTC', name: 'ingest-hf' });
    expect(await env.ctx.queues.ingest.getJobSchedulersCount()).toBe(schedulers.length);
  });
});

describe('ingest processor', () => {
  it('reads yesterday and today by default, or the date a job names', () => {
    expect(ingestDates({}, new Date('2025-09-08T00:15:00Z'))).toEqual(['2025-09-07', '2025-09-08']);
    expect(ingestDates({ date: '2025-01-02' }, new Date())).toEqual(['2025-01-02']);
  });

  it('ingests the Hugging Face pages of both days and returns compact summaries', async () => {
    server.hfDays.set('2025-09-08', JSON.parse(readFixture('hf/daily-papers-2025-09-08.json')) as unknown[]);
    const processor = createIngestProcessor(env.ctx, {
      now: () => new Date('2025-09-08T06:15:00Z'),
      fetch: { retries: 0 },
    });
    const job = new Job(env.ctx.queues.ingest, 'ingest-hf', { source: 'hf' });
    const result = await processor(job);
    expect(result).toEqual([
      { source: 'hf', date: '2025-09-07', fetched: 0, created: 0, updated: 0, unchanged: 0, skipped: 0 },
      { source: 'hf', date: '2025-09-08', fetched: 5, created: 5, updated: 0, unchanged: 0, skipped: 0 },
    ]);
    expect(await env.ctx.db.paper.count()).toBe(5);
  });

  it('fails without retrying when the document is malformed, and with retries on a 5xx', async () => {
    const processor = createIngestProcessor(env.ctx, { fetch: { retries: 0, timeoutMs: 500 } });
    server.handler = (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('not json');
    await expect(
      processor(new Job(env.ctx.queues.ingest, 'ingest-hf', { source: 'hf', date: '2025-09-08' })),
    ).rejects.toMatchObject({
      name: 'UnrecoverableError',
    });
    server.handler = (_req, res) => res.writeHead(503).end();
    await expect(
      processor(new Job(env.ctx.queues.ingest, 'ingest-hf', { source: 'hf', date: '2025-09-08' })),
    ).rejects.toMatchObject({
      name: 'IngestError',
      transient: true,
    });
    await expect(processor(new Job(env.ctx.queues.ingest, 'ingest-hf', { source: 'rss' }))).rejects.toMatchObject({
      name: 'UnrecoverableError',
    });
    server.reset();
  });
});
