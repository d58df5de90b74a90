// A `paperboy worker` stopped with SIGTERM in the middle of a period (a
// deploy, a scale-down): it finishes the batches it holds, exits 0, and
// leaves no delivery half-claimed; the next worker sends the rest, and
// nobody gets a message twice, since nothing was in flight when it stopped.
import { describe, expect, it } from 'vitest';
import { startDigest, useDigestScenario, waitForDigestDone } from './helpers/digest-scenario.js';
import { expectNothingLostNothingDoubled } from './helpers/outcome.js';

const READERS = 300;

describe('fault: a worker stopped with SIGTERM mid-digest', () => {
  const scenario = useDigestScenario(READERS, 'sigterm.test');

  it('drains its running batches, exits 0, and the next worker finishes with no repeats', async () => {
    const { env, sink, readers } = scenario;
    sink.delayMs = 20;
    const first = await scenario.startWorker();
    const digestId = await startDigest(env.ctx);
    await sink.waitFor(READERS / 3);

    await first.kill('SIGTERM');
    expect(first.child.exitCode).toBe(0);
    const sentBefore = await env.ctx.db.delivery.count({ where: { digestId, status: 'sent' } });
    expect(sentBefore).toBeLessThan(READERS);
    expect(await env.ctx.db.delivery.count({ where: { digestId, status: 'sending' } })).toBe(0);
    // Every message the sink accepted from the stopped worker is recorded as sent.
    expect(new Set(sink.messages.map((m) => m.messageId)).size).toBe(sentBefore);

    await scenario.startWorker();
    await waitForDigestDone(env.ctx.db, digestId, 120_000);
    const outcome = await expectNothingLostNothingDoubled({
      db: env.ctx.db,
      digestId,
      subscriberIds: readers,
      messages: sink.messages,
      inFlight: new Set(),
    });
    expect(outcome.sent).toBe(READERS);
    expect(outcome.repeats).toBe(0);
  });
});
