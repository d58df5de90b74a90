// Redis goes away under a running app: a sign-up is still stored and
// answered, and its confirmation goes out from the Postgres outbox, Redis or
// not.
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/http/app.js';
import { startOutboxPoller, type OutboxPoller } from '../../src/subscriptions/confirmation-outbox.js';
import { createTestEnv, TEST_REDIS_URL, type TestEnv } from '../helpers/context.js';
import { TcpProxy } from './tcp-proxy.js';

const SIGNUP = {
  email: 'outage@example.org',
  lists: ['trending'],
  frequency: 'daily',
  sendHour: 7,
  weekday: 1,
  timezone: 'UTC',
};

async function waitFor(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('sign-up while Redis is unreachable', () => {
  let env: TestEnv;
  let proxy: TcpProxy;
  let poller: OutboxPoller | undefined;

  beforeAll(async () => {
    const target = new URL(TEST_REDIS_URL);
    proxy = await new TcpProxy(target.hostname, Number(target.port || 6379)).up();
    env = await createTestEnv({ REDIS_URL: `redis://127.0.0.1:${proxy.port}` });
    await env.ctx.db.list.create({ data: { slug: 'trending', name: 'Trending' } });
    await waitFor(() => env.ctx.redis.status === 'ready', 'Redis to connect');
    await env.ctx.queues.mail.waitUntilReady();
  });
  afterAll(async () => {
    await poller?.stop();
    await proxy.up().catch(() => {});
    await env.cleanup();
    await proxy.down();
  });

  it('stores and answers the sign-up, and a worker sends the confirmation while Redis is still down', async () => {
    await proxy.down();
    await waitFor(() => env.ctx.redis.status !== 'ready', 'Redis to drop');

    const res = await request(createApp(env.ctx)).post('/subscribe').send(SIGNUP);
    expect(res.status).toBe(202);
    expect(res.body.status).toBe('ok');
    const stored = await env.ctx.db.subscriber.findUniqueOrThrow({
      where: { email: 'outage@example.org' },
      include: { consents: true },
    });
    expect(stored.status).toBe('pending');
    expect(stored.confirmRequestedAt).toBeInstanceOf(Date);
    expect(stored.confirmSentAt).toBeNull();
    expect(stored.consents).toHaveLength(1);
    expect(env.sink.messages).toHaveLength(0);

    // A worker's outbox poller needs only Postgres and SMTP.
    expect(await env.ctx.db.confirmationOutbox.count({ where: { subscriberId: stored.id } })).toBe(1);
    poller = startOutboxPoller(env.ctx, { pollMs: 50 });
    const [mail] = await env.sink.waitFor(1, { timeoutMs: 30_000 }); // the first render compiles MJML: slow on a busy machine
    expect(mail!.envelope.to).toEqual(['outage@example.org']);
    expect(mail!.parsed.subject).toBe('Confirm your Paperboy subscription');
    await expect
      .poll(async () => (await env.ctx.db.subscriber.findUniqueOrThrow({ where: { id: stored.id } })).confirmSentAt)
      .toBeInstanceOf(Date);
    expect(env.ctx.redis.status).not.toBe('ready');
  });
});

describe('sign-up when Redis was never reachable', () => {
  it('still stores and answers (rate limits fail open, the email waits in the outbox)', async () => {
    const env = await createTestEnv({ REDIS_URL: 'redis://127.0.0.1:1' });
    try {
      await env.ctx.db.list.create({ data: { slug: 'trending', name: 'Trending' } });
      const res = await request(createApp(env.ctx)).post('/subscribe').send(SIGNUP);
      expect(res.status).toBe(202);
      const stored = await env.ctx.db.subscriber.findUniqueOrThrow({ where: { email: 'outage@example.org' } });
      expect(stored).toMatchObject({ status: 'pending', confirmSentAt: null });
      expect(stored.confirmRequestedAt).toBeInstanceOf(Date);
      expect(await env.ctx.db.confirmationOutbox.count({ where: { subscriberId: stored.id } })).toBe(1);
    } finally {
      await env.cleanup();
    }
  });
});
