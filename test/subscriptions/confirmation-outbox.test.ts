// The confirmation outbox: a sign-up stores its email-to-send in Postgres in
// its own statement; workers claim rows and send each exactly once, whatever
// crashes in between and however many workers poll.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createContext } from '../../src/context.js';
import { drainConfirmationOutbox, startOutboxPoller } from '../../src/subscriptions/confirmation-outbox.js';
import { claimConfirmations } from '../../src/subscriptions/outbox-repo.js';
import { saveSubscriber } from '../../src/subscriptions/save-subscriber.js';
import { createTestEnv, type TestEnv } from '../helpers/context.js';

describe('confirmation outbox', () => {
  let env: TestEnv;

  beforeAll(async () => {
    env = await createTestEnv();
    await env.ctx.db.list.create({ data: { slug: 'trending', name: 'Trending' } });
  });
  afterAll(() => env.cleanup());
  beforeEach(async () => {
    env.sink.clear();
    env.sink.refuse(undefined);
    await env.ctx.db.subscriber.deleteMany();
  });

  const signUp = (email: string) =>
    saveSubscriber(env.ctx, {
      email,
      lists: ['trending'],
      status: 'pending',
      evidence: { action: 'signup' },
      publicListsOnly: true,
    });
  const outboxRows = () => env.ctx.db.confirmationOutbox.findMany({ orderBy: { subscriberId: 'asc' } });

  it('a sign-up stores its outbox row with the subscriber and sends nothing itself', async () => {
    const saved = await signUp('new@example.org');
    const row = await env.ctx.db.subscriber.findUniqueOrThrow({
      where: { id: saved.subscriberId },
      include: { confirmation: true },
    });
    expect(row.confirmation).toMatchObject({ subscriberId: saved.subscriberId, attempts: 0 });
    expect(row.confirmation!.requestedAt).toEqual(row.confirmRequestedAt);
    await new Promise((r) => setTimeout(r, 200));
    expect(env.sink.messages).toHaveLength(0);
  });

  it('a crash between storing and sending: the row waits, the next worker sends it once and deletes it', async () => {
    // The process that stored the sign-up died before any worker ran: only Postgres holds the request.
    const saved = await signUp('crash@example.org');
    expect(await drainConfirmationOutbox(env.ctx)).toEqual({ claimed: 1, sent: 1 });
    const [mail] = await env.sink.waitFor(1);
    expect(mail!.envelope.to).toEqual(['crash@example.org']);
    expect(await outboxRows()).toEqual([]);
    const row = await env.ctx.db.subscriber.findUniqueOrThrow({ where: { id: saved.subscriberId } });
    expect(row.confirmSentAt).toBeInstanceOf(Date);
    expect(await drainConfirmationOutbox(env.ctx)).toEqual({ claimed: 0, sent: 0 });
    expect(env.sink.messages).toHaveLength(1);
  });

  it('a worker that died holding a claim: the row is taken again only after the lease', async () => {
    await signUp('lease@example.org');
    expect(await claimConfirmations(env.ctx.db, 10, 1)).toHaveLength(1); // claimed, never sent
    expect(await drainConfirmationOutbox(env.ctx)).toEqual({ claimed: 0, sent: 0 });
    await new Promise((r) => setTimeout(r, 1200));
    expect(await drainConfirmationOutbox(env.ctx)).toEqual({ claimed: 1, sent: 1 });
    expect(env.sink.to('lease@example.org')).toHaveLength(1);
  });

  it('two workers polling at once send every confirmation exactly once', async () => {
    const emails = Array.from({ length: 40 }, (_, i) => `pair${i}@example.org`);
    await Promise.all(emails.map(signUp));
    const other = createContext(env.config);
    const pollers = [
      startOutboxPoller(env.ctx, { batchSize: 5, pollMs: 20 }),
      startOutboxPoller(other, { batchSize: 5, pollMs: 20 }),
    ];
    try {
      await env.sink.waitFor(emails.length, { timeoutMs: 20_000 });
      await expect.poll(() => outboxRows(), { timeout: 5000 }).toEqual([]);
      await new Promise((r) => setTimeout(r, 300)); // room for a late duplicate
    } finally {
      await Promise.all(pollers.map((p) => p.stop()));
      await other.close();
    }
    expect(env.sink.messages.map((m) => m.envelope.to[0]).sort()).toEqual([...emails].sort());
  });

  it('a 4xx keeps the row for a later try; a 5xx records the bounce and drops it', async () => {
    await signUp('later@example.org');
    env.sink.refuse({ code: 451, message: 'try again later' });
    expect(await drainConfirmationOutbox(env.ctx, { retryDelayMs: 300 })).toEqual({ claimed: 1, sent: 0 });
    expect(await outboxRows()).toEqual([expect.objectContaining({ attempts: 1 })]);
    env.sink.refuse(undefined);
    await new Promise((r) => setTimeout(r, 400));
    expect(await drainConfirmationOutbox(env.ctx)).toEqual({ claimed: 1, sent: 1 });

    const bounced = await signUp('nobody@example.org');
    env.sink.refuse({ code: 550, message: 'no such user' });
    expect(await drainConfirmationOutbox(env.ctx)).toEqual({ claimed: 1, sent: 0 });
    expect(await outboxRows()).toEqual([]);
    const row = await env.ctx.db.subscriber.findUniqueOrThrow({ where: { id: bounced.subscriberId } });
    expect(row).toMatchObject({ bounceCount: 1, confirmSentAt: null });
  });

  it('requests past their age are dropped unsent', async () => {
    const saved = await signUp('again@example.org');
    const old = new Date(Date.now() - 4 * 24 * 3600 * 1000);
    await env.ctx.db.confirmationOutbox.update({
      where: { subscriberId: saved.subscriberId },
      data: { requestedAt: old },
    });
    expect(await drainConfirmationOutbox(env.ctx)).toEqual({ claimed: 0, sent: 0 });
    expect(await outboxRows()).toEqual([]);
    expect(env.sink.messages).toHaveLength(0);
  });
});
