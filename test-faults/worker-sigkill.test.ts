// Fault: a `paperboy worker` process is killed with SIGKILL in the middle of
// sending a period; another worker is started. Its claimed deliveries are
// taken back after the lease and its batch jobs after the BullMQ lock.
import { describe, expect, it } from 'vitest';
import { elapsed, startDigest, useDigestScenario, waitForDigestDone } from './helpers/digest-scenario.js';
import { expectNothingLostNothingDoubled, snapshotInFlight } from './helpers/outcome.js';

const READERS = 300;

describe('fault: a worker killed with SIGKILL mid-digest', () => {
  const scenario = useDigestScenario(READERS, 'sigkill.test');

  it('a second worker finishes the period: every reader has one sent delivery and got one Message-ID', async () => {
    const { env, sink, readers } = scenario;
    const started = Date.now();
    sink.delayMs = 20; // messages stay in flight long enough for the kill to catch some
    const first = await scenario.startWorker();
    const digestId = await startDigest(env.ctx);
    await sink.waitFor(READERS / 3);

    await first.kill('SIGKILL');
    // The worker is dead: the rows it had claimed are exactly what was in flight.
    const inFlight = await snapshotInFlight(env.ctx.db, digestId);
    const sentBefore = await env.ctx.db.delivery.count({ where: { digestId, status: 'sent' } });
    expect(sentBefore).toBeLessThan(READERS);
    expect(inFlight.size).toBeGreaterThan(0);
    const killedAt = Date.now();

    await scenario.startWorker();
    await waitForDigestDone(env.ctx.db, digestId, 120_000);
    const outcome = await expectNothingLostNothingDoubled({
      db: env.ctx.db,
      digestId,
      subscriberIds: readers,
      messages: sink.messages,
      inFlight,
    });
    expect(outcome.sent).toBe(READERS);
    console.info(
      `worker SIGKILL: ${sentBefore} sent before the kill, ${inFlight.size} in flight, ${outcome.repeats} repeated; ` +
        `recovered in ${elapsed(killedAt)}, scenario ${elapsed(started)}`,
    );
  });
});
