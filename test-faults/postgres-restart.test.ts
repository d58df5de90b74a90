// Fault: Postgres goes down mid-digest (`pg_ctl stop -m immediate`: every
// backend killed, crash recovery at the next start) and comes back. This is
// a throwaway cluster of the test's own; the shared Postgres is never
// touched. Batch jobs fail while it is down and retry with backoff; rows the
// crash left claimed are taken back after the lease.
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContext, type Context } from '../src/context.js';
import { createApp } from '../src/http/app.js';
import { createLogger } from '../src/logger.js';
import { applyMigrations } from '../src/migrations/apply-migrations.js';
import { deleteQueueKeys, testConfig } from '../test/helpers/context.js';
import { spawnWorker, type WorkerProcess } from '../test/digest/worker-process.js';
import {
  elapsed,
  FAULT_SETTINGS,
  seedReaders,
  startDigest,
  waitForDigestDone,
  withWorkerFrozen,
} from './helpers/digest-scenario.js';
import { FaultSink } from './helpers/fault-sink.js';
import { expectNothingLostNothingDoubled, snapshotInFlight } from './helpers/outcome.js';
import { PostgresCluster } from './helpers/postgres-cluster.js';

const READERS = 300;

describe('fault: Postgres restarted mid-digest', () => {
  let cluster: PostgresCluster | undefined;
  let ctx: Context | undefined;
  let sink: FaultSink;
  let readers: number[];
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    sink = await new FaultSink().up();
    cluster = await PostgresCluster.create();
    const databaseUrl = cluster.url('paperboy');
    await applyMigrations({ databaseUrl });
    const config = testConfig({ DATABASE_URL: databaseUrl, SMTP_URL: sink.url, ...FAULT_SETTINGS });
    ctx = createContext(config, { logger: createLogger(config.logLevel) });
    readers = await seedReaders(ctx.db, READERS, 'pg-restart.test');
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.kill('SIGKILL')));
    await ctx?.close();
    if (ctx) await deleteQueueKeys(ctx.config.queuePrefix);
    await cluster?.destroy();
    await sink?.down();
  });

  it('the period finishes: every reader has one sent delivery; only messages in flight at the crash repeat', async () => {
    const { db, config } = ctx!;
    const started = Date.now();
    sink.delayMs = 20;
    const worker = await spawnWorker(config, FAULT_SETTINGS);
    workers.push(worker);
    const digestId = await startDigest(ctx!);
    await sink.waitFor(READERS / 3);

    // Measured with the worker frozen, then the crash: nothing moves in between.
    const { inFlight, sentAtCrash } = await withWorkerFrozen(worker, async () => {
      const claimed = await snapshotInFlight(db, digestId);
      const sent = await db.delivery.count({ where: { digestId, status: 'sent' } });
      await cluster!.crash();
      return { inFlight: claimed, sentAtCrash: sent };
    });
    expect(sentAtCrash).toBeLessThan(READERS);
    expect(inFlight.size).toBeGreaterThan(0);
    const receivedAtCrash = sink.messages.length;
    // Meanwhile a sign-up cannot be stored, so it is not answered "check your inbox".
    const signup = {
      email: 'during-outage@pg-restart.test',
      lists: ['trending'],
      frequency: 'daily',
      sendHour: 7,
      weekday: 1,
      timezone: 'UTC',
    };
    const refused = await request(createApp(ctx!)).post('/subscribe').set('accept', 'application/json').send(signup);
    expect(refused.status).toBeGreaterThanOrEqual(500);
    await new Promise((r) => setTimeout(r, 3000)); // the worker lives through a Postgres outage
    await cluster!.start();
    const restartedAt = Date.now();

    await waitForDigestDone(db, digestId, 120_000);
    const outcome = await expectNothingLostNothingDoubled({
      db,
      digestId,
      subscriberIds: readers,
      messages: sink.messages,
      inFlight,
    });
    expect(outcome.sent).toBe(READERS);
    expect(worker.child.exitCode).toBeNull(); // the same worker recovered; nobody restarted it
    expect(await db.subscriber.count({ where: { email: signup.email } })).toBe(0);
    console.info(
      `Postgres restart: ${sentAtCrash} recorded sent and ${receivedAtCrash} received at the crash, ${inFlight.size} in flight, ` +
        `${outcome.repeats} repeated; recovered ${elapsed(restartedAt)} after the restart, scenario ${elapsed(started)}`,
    );
  });
});
