// Fault: the Redis server dies (SIGKILL) mid-digest and is started again on
// the same port. Without persistence it comes back empty - no jobs, no
// schedulers - and the period is finished from Postgres alone: the worker
// notices the loss (a new run_id) as soon as it reconnects, puts its
// schedulers back and runs the repair sweep at once, which re-enqueues the
// batches whose rows are still pending. With an append-only
// file (fsync always) the jobs survive, and the stalled ones are retried.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, type TestEnv } from '../test/helpers/context.js';
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
import { RedisServer } from './helpers/redis-server.js';

const READERS = 300;
/** FAULT_SETTINGS runs the repair sweep every 5 s (every 5 min by default); it still only takes batches idle for 2 min. */
const SETTINGS = FAULT_SETTINGS;

function describeRestart(title: string, persistent: boolean, recoveryMs: number) {
  describe(title, () => {
    let env: TestEnv;
    let sink: FaultSink;
    let redis: RedisServer;
    let readers: number[];
    const workers: WorkerProcess[] = [];

    beforeAll(async () => {
      sink = await new FaultSink().up();
      redis = await RedisServer.start({ persistent });
      env = await createTestEnv({ REDIS_URL: redis.url, SMTP_URL: sink.url, ...SETTINGS });
      readers = await seedReaders(env.ctx.db, READERS, persistent ? 'redis-aof.test' : 'redis-empty.test');
    });
    afterAll(async () => {
      await Promise.all(workers.map((w) => w.kill('SIGKILL')));
      await env?.cleanup();
      await redis?.stop();
      await sink?.down();
    });

    it('the period finishes: every reader has one sent delivery and got one Message-ID', async () => {
      const started = Date.now();
      sink.delayMs = 20;
      const worker = await spawnWorker(env.config, SETTINGS);
      workers.push(worker);
      await env.ctx.queues.digestPlan.waitUntilReady();
      const digestId = await startDigest(env.ctx);
      await sink.waitFor(READERS / 3);

      const inFlight = await withWorkerFrozen(worker, async () => {
        const claimed = await snapshotInFlight(env.ctx.db, digestId);
        await redis.kill();
        return claimed;
      });
      const sentAtFault = await env.ctx.db.delivery.count({ where: { digestId, status: 'sent' } });
      expect(sentAtFault).toBeLessThan(READERS);
      await new Promise((r) => setTimeout(r, 3000)); // the worker lives through a Redis outage
      await redis.restart();
      const restartedAt = Date.now();

      await waitForDigestDone(env.ctx.db, digestId, recoveryMs);
      const outcome = await expectNothingLostNothingDoubled({
        db: env.ctx.db,
        digestId,
        subscriberIds: readers,
        messages: sink.messages,
        inFlight,
      });
      expect(outcome.sent).toBe(READERS);
      expect(worker.child.exitCode).toBeNull(); // the same worker recovered; nobody restarted it

      // The repeating jobs are back either way: the next hour's digests and the sweeps still run.
      const schedulers = [
        ...(await env.ctx.queues.digestPlan.getJobSchedulers()),
        ...(await env.ctx.queues.maintenance.getJobSchedulers()),
      ].map((s) => s.key);
      expect(schedulers).toEqual(expect.arrayContaining(['digest-tick', 'digest-repair', 'sweep-confirmations']));
      // Either way the server restarted: the worker saw the new run_id.
      expect(worker.lines.some((l) => l.event === 'redis_data_lost' && l.reason === 'run_id_changed')).toBe(true);
      if (!persistent) {
        // Nothing of the lost queue survived: the repair sweep found the batches in Postgres.
        expect(worker.lines.some((l) => l.event === 'digest_batches_requeued')).toBe(true);
      }
      console.info(
        `Redis restart ${persistent ? '(AOF)' : '(empty)'}: ${sentAtFault} sent at the fault, ${inFlight.size} in flight, ` +
          `${outcome.repeats} repeated; recovered ${elapsed(restartedAt)} after the restart, scenario ${elapsed(started)}`,
      );
    });
  });
}

describeRestart('fault: Redis restarted mid-digest, with an append-only file', true, 90_000);
// Under 15 s on a quiet machine (RELIABILITY.md); the bound leaves room for a loaded one.
describeRestart('fault: Redis restarted mid-digest, without persistence (it comes back empty)', false, 60_000);
