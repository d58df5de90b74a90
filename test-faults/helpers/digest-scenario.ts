// What every digest fault scenario shares: readers to send to, a period
// started the way the admin API starts one (a plan job that a worker runs),
// and waiting for the Digest row to close.
import type { Context } from '../../src/context.js';
import type { Db } from '../../src/db.js';
import { triggerDigest } from '../../src/digest/digest-service.js';
import { createList, createPaper, createSubscribersBulk } from '../../test/digest/fixtures.js';
import { afterAll, beforeAll } from 'vitest';
import { createTestEnv, type TestEnv } from '../../test/helpers/context.js';
import { spawnWorker, type WorkerProcess } from '../../test/digest/worker-process.js';
import { FaultSink } from './fault-sink.js';

/**
 * Small batches, a short lease and short retry delays, so that a fault
 * catches several batches mid-send and recovery takes seconds, not minutes.
 * The SMTP pool of 2 keeps a handful of messages in flight at any time. The
 * job lock leaves room for a busy machine (a job that stalls twice is
 * failed), and the repair sweep runs every 5 s as in a tightly tuned
 * deployment; it only takes batches idle for 2 minutes, so it never races
 * the faster paths a scenario is about.
 */
export const FAULT_SETTINGS = {
  DIGEST_BATCH_SIZE: '25',
  DIGEST_LEASE_SECONDS: '2',
  DIGEST_RETRY_DELAY_MS: '200',
  DIGEST_REPAIR_CRON: '*/5 * * * * *',
  WORKER_LOCK_MS: '4000',
  WORKER_CONCURRENCY: '4',
  SMTP_POOL_SIZE: '2',
};

export const PERIOD = '2026-11-12';

/** A Trending list, one fresh paper, and `count` active confirmed readers; returns their ids. */
export async function seedReaders(db: Db, count: number, domain: string): Promise<number[]> {
  const list = await createList(db, { slug: 'trending', name: 'Trending' });
  await createPaper(db, 'Attention is still all you need', { upvotes: 10 });
  await createSubscribersBulk(db, count, [list.id], domain);
  const rows = await db.subscriber.findMany({ where: { email: { endsWith: `@${domain}` } }, select: { id: true } });
  return rows.map((r) => r.id);
}

/** POST /api/admin/digests does the same: the Digest row now, planning on the digest-plan queue. */
export async function startDigest(ctx: Pick<Context, 'db' | 'digestQueue'>, period = PERIOD): Promise<number> {
  const digest = await triggerDigest(ctx, period);
  return digest.id;
}

/** Polls until the Digest row is done; database errors (a restarting Postgres) just mean "not yet". */
export async function waitForDigestDone(db: Db, digestId: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: string;
  for (;;) {
    try {
      const digest = await db.digest.findUnique({ where: { id: digestId } });
      if (digest?.status === 'done') return;
      const open = await db.delivery.groupBy({ by: ['status'], where: { digestId }, _count: true });
      last = `${digest?.status}: ${JSON.stringify(open.map((g) => [g.status, g._count]))}`;
    } catch (error) {
      last = `database error: ${(error as Error).message.slice(0, 200)}`;
    }
    if (Date.now() > deadline) throw new Error(`digest ${digestId} not done after ${timeoutMs} ms (${last})`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Resolves once `check` holds, polling. */
export async function waitUntil(
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Runs `atFault` with the worker frozen (SIGSTOP), so that what it measures
 * in Postgres - the deliveries claimed right now - is exactly what the fault
 * catches in flight. The pause lets statements already sent finish first.
 */
export async function withWorkerFrozen<T>(worker: WorkerProcess, atFault: () => Promise<T>): Promise<T> {
  worker.child.kill('SIGSTOP');
  try {
    await new Promise((r) => setTimeout(r, 300));
    return await atFault();
  } finally {
    worker.child.kill('SIGCONT');
  }
}

export function elapsed(started: number): string {
  return `${((Date.now() - started) / 1000).toFixed(1)} s`;
}

export interface DigestScenario {
  env: TestEnv;
  sink: FaultSink;
  readers: number[];
  /** Spawns a `paperboy worker` against the scenario; every one is killed after the file. */
  startWorker(settings?: Record<string, string>): Promise<WorkerProcess>;
}

/**
 * The set-up the worker and relay faults share, registered as the file's
 * beforeAll/afterAll: a fault sink, a test env sending to it, `count` seeded
 * readers, and every worker the file starts killed at the end.
 */
export function useDigestScenario(count: number, domain: string): DigestScenario {
  const workers: WorkerProcess[] = [];
  const scenario = {
    readers: [] as number[],
    async startWorker(settings: Record<string, string> = FAULT_SETTINGS) {
      const worker = await spawnWorker(scenario.env.config, settings);
      workers.push(worker);
      return worker;
    },
  } as DigestScenario;
  beforeAll(async () => {
    scenario.sink = await new FaultSink().up();
    scenario.env = await createTestEnv({ SMTP_URL: scenario.sink.url, ...FAULT_SETTINGS });
    scenario.readers = await seedReaders(scenario.env.ctx.db, count, domain);
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.kill('SIGKILL')));
    await scenario.env?.cleanup();
    await scenario.sink?.down();
  });
  return scenario;
}
