// Fault: with two relays (SMTP_URLS), the first dies mid-digest. The
// messages it was holding fail with a connection error and fail over to
// the second relay at once; after SMTP_RELAY_FAILURES in a row the dead
// relay is set aside and the rest of the period goes straight to the
// second. Nothing lost, nothing doubled beyond what was in flight.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  elapsed,
  FAULT_SETTINGS,
  startDigest,
  useDigestScenario,
  waitForDigestDone,
  withWorkerFrozen,
} from './helpers/digest-scenario.js';
import { FaultSink } from './helpers/fault-sink.js';
import { expectNothingLostNothingDoubled, snapshotInFlight } from './helpers/outcome.js';

const READERS = 200;

describe('fault: one of two relays down mid-digest', () => {
  const scenario = useDigestScenario(READERS, 'relay-failover.test');
  const backup = new FaultSink();
  beforeAll(async () => {
    await backup.up();
  });
  afterAll(async () => {
    await backup.down();
  });

  it('the other relay takes over: every reader has one sent delivery and got one Message-ID', async () => {
    const { env, sink: primary, readers } = scenario;
    const started = Date.now();
    primary.delayMs = 20;
    const worker = await scenario.startWorker({
      ...FAULT_SETTINGS,
      SMTP_URLS: `${primary.url},${backup.url}`,
      SMTP_RELAY_FAILURES: '2',
      SMTP_RELAY_COOLDOWN_SECONDS: '600',
    });
    const digestId = await startDigest(env.ctx);
    await primary.waitFor(READERS / 3);
    const inFlight = await withWorkerFrozen(worker, async () => {
      const claimed = await snapshotInFlight(env.ctx.db, digestId);
      await primary.down();
      return claimed;
    });
    const sentByPrimary = primary.messages.length;
    expect(sentByPrimary).toBeLessThan(READERS);

    await waitForDigestDone(env.ctx.db, digestId, 120_000);
    const messages = [...primary.messages, ...backup.messages];
    const outcome = await expectNothingLostNothingDoubled({
      db: env.ctx.db,
      digestId,
      subscriberIds: readers,
      messages,
      inFlight,
    });
    expect(outcome.sent).toBe(READERS);
    // The primary took nothing after it died; the backup took the rest.
    expect(primary.messages.length).toBe(sentByPrimary);
    expect(backup.messages.length).toBeGreaterThanOrEqual(READERS - sentByPrimary);
    expect(worker.lines.some((l) => l.event === 'smtp_relay_set_aside')).toBe(true);
    // Failover is within one send: no delivery needed a retry of its job to get out.
    const failed = await env.ctx.db.delivery.count({ where: { digestId, status: 'failed' } });
    expect(failed).toBe(0);
    await worker.kill('SIGTERM');
    console.info(
      `relay down mid-digest: ${sentByPrimary} sent by the primary, ${backup.messages.length} by the backup, ` +
        `${inFlight.size} in flight, ${outcome.repeats} repeated; scenario ${elapsed(started)}`,
    );
  });
});
