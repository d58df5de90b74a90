// The one-statement first sign-up (insertSubscriberIfNew): what it stores,
// through the pg pool and through Prisma alike, what it refuses, and how
// concurrent sign-ups share statements (NewSubscriberBatcher).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDb, sqlPool, type Db } from '../../src/db.js';
import {
  insertSubscriberIfNew,
  NewSubscriberBatcher,
  type NewSubscriberRequest,
} from '../../src/subscriptions/new-subscribers.js';
import { createTestEnv, type TestEnv } from '../helpers/context.js';

const NOW = new Date('2026-03-01T23:30:00.123Z');

const request = (over: Partial<NewSubscriberRequest> = {}): NewSubscriberRequest => ({
  email: 'new@example.org',
  status: 'pending',
  timezone: 'Asia/Tokyo',
  sendHour: 6,
  frequency: 'weekly',
  weekday: 3,
  slugs: ['llm', 'trending'],
  publicOnly: true,
  evidence: { action: 'signup', ip: '10.1.2.3', userAgent: 'x'.repeat(600), formVersion: 'landing-v1' },
  now: NOW,
  ...over,
});

describe('insertSubscriberIfNew', () => {
  let env: TestEnv;
  let elsewhere: Db;
  beforeAll(async () => {
    env = await createTestEnv();
    await env.ctx.db.list.createMany({
      data: [
        { slug: 'trending', name: 'Trending' },
        { slug: 'llm', name: 'LLMs' },
        { slug: 'internal', name: 'Internal', public: false },
      ],
    });
    // A session in another time zone must store the same UTC times.
    const url = new URL(env.config.databaseUrl);
    url.searchParams.set('options', '-c timezone=America/New_York');
    elsewhere = createDb(url.toString(), { max: 1 });
  });
  afterAll(async () => {
    await elsewhere.$disconnect();
    await env.cleanup();
  });
  beforeEach(async () => {
    await env.ctx.db.subscriber.deleteMany();
  });

  const load = (email = 'new@example.org') =>
    env.ctx.db.subscriber.findUniqueOrThrow({
      where: { email },
      include: { subscriptions: { orderBy: { listId: 'asc' } }, consents: true },
    });

  it('runs on the pg pool under a Db made by createDb', () => {
    expect(sqlPool(env.ctx.db)).toBeDefined();
    expect(sqlPool({})).toBeUndefined();
  });

  const clients: Array<[string, () => Parameters<typeof insertSubscriberIfNew>[0] | Promise<unknown>]> = [
    ['the pg pool', () => env.ctx.db],
    ['a session in another time zone', () => elsewhere],
  ];
  it.each(clients)(
    'stores a pending subscriber, its subscriptions and consent in one go (%s)',
    async (_name, client) => {
      const outcome = await insertSubscriberIfNew((await client()) as Db, request());
      expect(outcome.kind).toBe('created');
      const row = await load();
      expect(outcome).toEqual({ kind: 'created', id: row.id });
      expect(row).toMatchObject({
        status: 'pending',
        timezone: 'Asia/Tokyo',
        sendHour: 6,
        frequency: 'weekly',
        weekday: 3,
        confirmRequestedAt: NOW,
        confirmedAt: null,
        createdAt: NOW,
        updatedAt: NOW,
      });
      expect(row.subscriptions.map((s) => [s.confirmedAt, s.createdAt])).toEqual([
        [null, NOW],
        [null, NOW],
      ]);
      expect(row.consents).toEqual([
        expect.objectContaining({
          action: 'signup',
          ip: '10.1.2.3',
          userAgent: 'x'.repeat(500),
          lists: ['trending', 'llm'],
          formVersion: 'landing-v1',
          createdAt: NOW,
        }),
      ]);
    },
  );

  it('falls back to Prisma for a transaction client, with the same result', async () => {
    const outcome = await env.ctx.db.$transaction((tx) =>
      insertSubscriberIfNew(tx, request({ status: 'active', slugs: ['internal'], publicOnly: false })),
    );
    expect(outcome.kind).toBe('created');
    const row = await load();
    expect(row).toMatchObject({ status: 'active', confirmRequestedAt: null, confirmedAt: NOW });
    expect(row.subscriptions.map((s) => s.confirmedAt)).toEqual([NOW]);
    expect(row.consents[0]?.lists).toEqual(['internal']);
  });

  it('leaves an existing address alone', async () => {
    await insertSubscriberIfNew(env.ctx.db, request());
    const again = await insertSubscriberIfNew(env.ctx.db, request({ slugs: ['trending'], timezone: 'UTC' }));
    expect(again).toEqual({ kind: 'exists' });
    const row = await load();
    expect(row.timezone).toBe('Asia/Tokyo');
    expect(row.consents).toHaveLength(1);
    expect(row.subscriptions).toHaveLength(2);
  });

  it('stores nothing when a list is missing, or private on the public form', async () => {
    expect(await insertSubscriberIfNew(env.ctx.db, request({ slugs: ['trending', 'nope'] }))).toEqual({
      kind: 'unknown_lists',
    });
    expect(await insertSubscriberIfNew(env.ctx.db, request({ slugs: ['internal'] }))).toEqual({
      kind: 'unknown_lists',
    });
    expect(await env.ctx.db.subscriber.count()).toBe(0);
    expect(await env.ctx.db.consentRecord.count()).toBe(0);
  });

  describe('batching', () => {
    const address = (i: number) => `reader-${String(i).padStart(2, '0')}@example.org`;
    // Rows written by one statement share its transaction id: the batches as Postgres saw them.
    const batchSizes = async () =>
      (
        await env.ctx.db.$queryRaw<
          Array<{ n: number }>
        >`SELECT count(*)::int AS n FROM "Subscriber" GROUP BY xmin::text ORDER BY min(id)`
      ).map((r) => r.n);

    it('sends requests that arrive while a statement is in flight together, each answered with its own id', async () => {
      const batcher = new NewSubscriberBatcher(env.ctx.db, { maxInFlight: 1, maxBatch: 5 });
      const outcomes = await Promise.all(
        Array.from({ length: 12 }, (_, i) => batcher.insert(request({ email: address(i) }))),
      );
      expect(await batchSizes()).toEqual([1, 5, 5, 1]);
      const rows = await env.ctx.db.subscriber.findMany({ include: { subscriptions: true, consents: true } });
      expect(rows).toHaveLength(12);
      for (const [i, outcome] of outcomes.entries()) {
        const row = rows.find((r) => r.email === address(i));
        expect(outcome).toEqual({ kind: 'created', id: row?.id });
        expect(row?.subscriptions).toHaveLength(2);
        expect(row?.consents.map((c) => c.lists)).toEqual([['trending', 'llm']]);
      }
    });

    it('answers each request of a mixed batch on its own: created, existing, unknown lists', async () => {
      await insertSubscriberIfNew(env.ctx.db, request({ email: address(1) }));
      const batcher = new NewSubscriberBatcher(env.ctx.db, { maxInFlight: 1, maxBatch: 10 });
      // The first request goes alone and holds the one slot; the five after it share the next statement.
      const [, ...outcomes] = await Promise.all([
        batcher.insert(request({ email: address(9) })),
        batcher.insert(request({ email: address(0) })),
        batcher.insert(request({ email: address(1), timezone: 'UTC' })),
        batcher.insert(request({ email: address(2), slugs: ['trending', 'nope'] })),
        batcher.insert(request({ email: address(3), slugs: ['internal'] })),
        batcher.insert(request({ email: address(4), slugs: ['trending'] })),
      ]);
      expect(outcomes.map((o) => o.kind)).toEqual(['created', 'exists', 'unknown_lists', 'unknown_lists', 'created']);
      expect(await batchSizes()).toEqual([1, 1, 2]);
      expect((await load(address(1))).timezone).toBe('Asia/Tokyo');
      expect((await load(address(4))).subscriptions).toHaveLength(1);
      expect(await env.ctx.db.subscriber.count({ where: { email: { in: [address(2), address(3)] } } })).toBe(0);
    });

    it('never puts one address twice in a statement: the second request finds it existing', async () => {
      const batcher = new NewSubscriberBatcher(env.ctx.db, { maxInFlight: 1, maxBatch: 10 });
      const outcomes = await Promise.all([
        batcher.insert(request({ email: address(0) })),
        batcher.insert(request({ email: address(1) })),
        batcher.insert(request({ email: address(1), timezone: 'UTC' })),
        batcher.insert(request({ email: address(2) })),
      ]);
      expect(outcomes.map((o) => o.kind)).toEqual(['created', 'created', 'exists', 'created']);
      expect(await batchSizes()).toEqual([1, 2]);
      expect((await load(address(1))).timezone).toBe('Asia/Tokyo');
    });

    it('fails only the request the database refuses; the rest of its batch is stored', async () => {
      const batcher = new NewSubscriberBatcher(env.ctx.db, { maxInFlight: 1, maxBatch: 10 });
      const settled = await Promise.allSettled([
        batcher.insert(request({ email: address(0) })),
        batcher.insert(request({ email: address(1) })),
        batcher.insert(request({ email: address(2), sendHour: 2 ** 40 })),
        batcher.insert(request({ email: address(3) })),
      ]);
      expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
      expect(String((settled[2] as PromiseRejectedResult).reason)).toMatch(/out of range/);
      const emails = (await env.ctx.db.subscriber.findMany({ orderBy: { email: 'asc' } })).map((r) => r.email);
      expect(emails).toEqual([address(0), address(1), address(3)]);
    });
  });
});
