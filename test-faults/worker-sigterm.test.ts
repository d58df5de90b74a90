// A `paperboy worker` stopped with SIGTERM in the middle of a period (a
// deploy, a scale-down): it finishes the batches it holds, exits 0, and
// leaves no delivery half-claimed; the next worker sends the rest, and
// nobody gets a message twice, since nothing was in flight when it stopped.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, type TestEnv } from '../test/helpers/context.js';
import { spawnWorker, type WorkerProcess } from '../test/digest/worker-process.js';
import { FAULT_SETTINGS, seedReaders, startDigest, waitForDigestDone } from './helpers/digest-scenario.js';
import { FaultSink } from './helpers/fault-sink.js';
import { expectNothingLostNothingDoubled } from './helpers/outcome.js';

const READERS = 300;

describe('fault: a worker stopped with SIGTERM mid-digest', () => {
  let env: TestEnv;
  let sink: FaultSink;
  let readers: number[];
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    sink = await new FaultSink().up();
    env = await createTestEnv({ SMTP_URL: sink.url, ...FAULT_SETTINGS });
    readers = await seedReaders(env.ctx.db, READERS, 'sigterm.test');
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.kill('SIGKILL')));
    await env?.cleanup();
    await sink?.down();
  });

  it('drains its running batches, exits 0, and the next worker finishes with no repeats', async () => {
    sink.delayMs = 20;
    const first = await spawnWorker(env.config, FAULT_SETTINGS);
    workers.push(first);
    const digestId = await startDigest(env.ctx);
    await sink.waitFor(READERS / 3);

    await first.kill('SIGTERM');
    expect(first.child.exitCode).toBe(0);
    const sentBefore = await env.ctx.db.delivery.count({ where: { digestId, status: 'sent' } });
    expect(sentBefore).toBeLessThan(READERS);
    expect(await env.ctx.db.delivery.count({ where: { digestId, status: 'sending' } })).toBe(0);
    // Every message the sink accepted from the stopped worker is recorded as sent.
    expect(new Set(sink.messages.map((m) => m.messageId)).size).toBe(sentBefore);

    workers.push(await spawnWorker(env.config, FAULT_SETTINGS));
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
