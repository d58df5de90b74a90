// Fault: the SMTP relay is down for 30 s mid-digest (every connection cut,
// nothing listening) and comes back on the same port. Connection failures
// are transient: the deliveries go back to pending and their batch job is
// retried with exponential backoff until the relay answers. An outage that
// outlasts the retry budget ends every delivery it caught as failed, with
// the connection error as its reason - none is left open or lost.
import { describe, expect, it } from 'vitest';
import { createPaper } from '../test/digest/fixtures.js';
import {
  elapsed,
  FAULT_SETTINGS,
  startDigest,
  useDigestScenario,
  waitForDigestDone,
  withWorkerFrozen,
} from './helpers/digest-scenario.js';
import { expectNothingLostNothingDoubled, snapshotInFlight } from './helpers/outcome.js';

const READERS = 200;
const OUTAGE_MS = 30_000;
/**
 * Retries after 0.6, 1.8, 4.2, 9, 18.6, 37.8 and 76.2 s (the 8th try is a
 * delivery's last): a 30 s outage is bridged by the try at 37.8 s.
 */
const BRIDGING = { ...FAULT_SETTINGS, DIGEST_RETRY_DELAY_MS: '600' };
/** Retries after 0.05 ... 6.35 s: a 10 s outage outlasts every try. */
const EXHAUSTED = { ...FAULT_SETTINGS, DIGEST_RETRY_DELAY_MS: '50' };

describe('fault: the SMTP relay down mid-digest', () => {
  const scenario = useDigestScenario(READERS, 'smtp-outage.test');

  /** Starts a worker and a period, and takes the relay down once a third of it is sent. */
  async function outageMidDigest(settings: Record<string, string>, period: string, outageMs: number) {
    const { env, sink } = scenario;
    sink.messages.length = 0;
    sink.delayMs = 20;
    const worker = await scenario.startWorker(settings);
    const digestId = await startDigest(env.ctx, period);
    await sink.waitFor(READERS / 3);
    const inFlight = await withWorkerFrozen(worker, async () => {
      const claimed = await snapshotInFlight(env.ctx.db, digestId);
      await sink.down();
      return claimed;
    });
    const downAt = Date.now();
    const sentAtFault = await env.ctx.db.delivery.count({ where: { digestId, status: 'sent' } });
    expect(sentAtFault).toBeLessThan(READERS);
    await new Promise((r) => setTimeout(r, outageMs));
    await sink.up();
    return { worker, digestId, inFlight, downAt, sentAtFault };
  }

  it('down for 30 s: retried with backoff, then every reader has one sent delivery and got one Message-ID', async () => {
    const { env, sink, readers } = scenario;
    const started = Date.now();
    const { worker, digestId, inFlight, downAt, sentAtFault } = await outageMidDigest(
      BRIDGING,
      '2026-11-12',
      OUTAGE_MS,
    );
    const upAt = Date.now();
    expect(upAt - downAt).toBeGreaterThanOrEqual(OUTAGE_MS);
    // The outage was felt: deliveries went back to pending with the connection error.
    const waiting = await env.ctx.db.delivery.count({
      where: { digestId, status: 'pending', lastError: { not: null } },
    });
    expect(waiting).toBeGreaterThan(0);

    await waitForDigestDone(env.ctx.db, digestId, 120_000);
    const outcome = await expectNothingLostNothingDoubled({
      db: env.ctx.db,
      digestId,
      subscriberIds: readers,
      messages: sink.messages,
      inFlight,
    });
    expect(outcome.sent).toBe(READERS);
    // Rows caught by the outage were claimed several times (backed off), and end clean.
    const retried = await env.ctx.db.delivery.findMany({
      where: { digestId, attempts: { gt: 1 } },
      select: { status: true, lastError: true },
    });
    expect(retried.length).toBeGreaterThanOrEqual(READERS - sentAtFault - inFlight.size);
    expect(retried.every((r) => r.status === 'sent' && r.lastError === null)).toBe(true);
    await worker.kill('SIGTERM');
    console.info(
      `SMTP down for ${((upAt - downAt) / 1000).toFixed(1)} s: ${sentAtFault} sent before, ${inFlight.size} in flight, ` +
        `${retried.length} retried, ${outcome.repeats} repeated; done ${elapsed(upAt)} after the relay came back, scenario ${elapsed(started)}`,
    );
  });

  it('down longer than the retry budget: every delivery it caught fails with the reason, none stays open', async () => {
    const { env, sink, readers } = scenario;
    const started = Date.now();
    await createPaper(env.ctx.db, 'A paper for the next day', { upvotes: 5 });
    const { digestId, inFlight, sentAtFault } = await outageMidDigest(EXHAUSTED, '2026-11-13', 10_000);

    await waitForDigestDone(env.ctx.db, digestId, 60_000);
    const outcome = await expectNothingLostNothingDoubled({
      db: env.ctx.db,
      digestId,
      subscriberIds: readers,
      messages: sink.messages,
      inFlight,
      statuses: ['sent', 'failed'],
    });
    expect(outcome.failed).toBeGreaterThan(0);
    expect(outcome.sent + outcome.failed).toBe(READERS);
    const failed = await env.ctx.db.delivery.findMany({
      where: { digestId, status: 'failed' },
      select: { attempts: true, lastError: true, subscriber: { select: { bounceCount: true } } },
    });
    // A relay that is not there is no bounce: the reason is the connection error, the address is not blamed.
    expect(
      failed.every((r) => r.attempts === 8 && /ECONNREFUSED|connect|closed|Connection/i.test(r.lastError ?? '')),
    ).toBe(true);
    expect(failed.every((r) => r.subscriber?.bounceCount === 0)).toBe(true);
    console.info(
      `SMTP down past the retry budget: ${sentAtFault} sent before, ${outcome.sent} sent, ${outcome.failed} failed with a reason ` +
        `(${JSON.stringify(failed[0]?.lastError)}), scenario ${elapsed(started)}`,
    );
  });
});
