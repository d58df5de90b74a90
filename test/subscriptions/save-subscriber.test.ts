import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  saveSubscriber,
  UnknownListsError,
  type SaveSubscriberRequest,
} from '../../src/subscriptions/save-subscriber.js';
import { createTestEnv, type TestEnv } from '../helpers/context.js';

describe('saveSubscriber: one rule set for the form, the admin API and import', () => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await createTestEnv();
    await env.ctx.db.list.createMany({
      data: [
        { slug: 'trending', name: 'Trending' },
        { slug: 'llm', name: 'LLMs' },
        { slug: 'internal', name: 'Internal', public: false },
      ],
    });
  });
  afterAll(() => env.cleanup());
  beforeEach(async () => {
    await env.ctx.db.subscriber.deleteMany();
  });

  const admin = (over: Partial<SaveSubscriberRequest> = {}): SaveSubscriberRequest => ({
    email: 'Someone@Example.org',
    lists: ['trending'],
    status: 'active',
    evidence: { action: 'admin', ip: '10.0.0.1', formVersion: 'admin-api' },
    ...over,
  });
  const load = (email = 'someone@example.org') =>
    env.ctx.db.subscriber.findUniqueOrThrow({
      where: { email },
      include: { subscriptions: { include: { list: true } }, consents: true },
    });

  it('an admin creates an active subscriber with confirmed lists (private ones allowed) and no email', async () => {
    const result = await saveSubscriber(
      env.ctx,
      admin({ lists: ['trending', 'internal'], preferences: { timezone: 'Asia/Tokyo', sendHour: 5 } }),
    );
    expect(result).toMatchObject({
      created: true,
      previousStatus: null,
      status: 'active',
      confirmationRequested: false,
    });
    const row = await load();
    expect(row).toMatchObject({
      email: 'someone@example.org',
      status: 'active',
      timezone: 'Asia/Tokyo',
      sendHour: 5,
      confirmRequestedAt: null,
    });
    expect(row.subscriptions.every((s) => s.confirmedAt)).toBe(true);
    expect(row.consents).toEqual([
      expect.objectContaining({ action: 'admin', ip: '10.0.0.1', lists: ['trending', 'internal'] }),
    ]);
  });

  it('an admin creates a pending subscriber and a confirmation is requested', async () => {
    const result = await saveSubscriber(env.ctx, admin({ status: 'pending' }));
    expect(result).toMatchObject({ created: true, status: 'pending', confirmationRequested: true });
    expect((await load()).confirmRequestedAt).toBeInstanceOf(Date);
  });

  it('an admin activates a pending subscriber and confirms its lists', async () => {
    await saveSubscriber(env.ctx, admin({ status: 'pending', lists: ['llm'] }));
    const result = await saveSubscriber(env.ctx, admin({ lists: ['trending'] }));
    expect(result).toMatchObject({ created: false, previousStatus: 'pending', status: 'active' });
    const row = await load();
    expect(row.subscriptions.map((s) => [s.list.slug, s.confirmedAt !== null])).toEqual([['trending', true]]);
  });

  it('never re-activates an unsubscribed address without a confirmation, even for an admin', async () => {
    await saveSubscriber(env.ctx, admin());
    await env.ctx.db.subscriber.update({
      where: { email: 'someone@example.org' },
      data: { status: 'unsubscribed', unsubscribedAt: new Date() },
    });
    const result = await saveSubscriber(env.ctx, admin());
    expect(result).toMatchObject({
      previousStatus: 'unsubscribed',
      status: 'unsubscribed',
      confirmationRequested: true,
    });
    expect((await load()).status).toBe('unsubscribed');
  });

  it('refuses unknown lists, and private lists when publicListsOnly, storing nothing', async () => {
    await expect(saveSubscriber(env.ctx, admin({ lists: ['trending', 'nope'] }))).rejects.toEqual(
      new UnknownListsError(['nope']),
    );
    await expect(saveSubscriber(env.ctx, admin({ lists: ['internal'], publicListsOnly: true }))).rejects.toBeInstanceOf(
      UnknownListsError,
    );
    expect(await env.ctx.db.subscriber.count()).toBe(0);
  });

  it('concurrent first sign-ups for one address make one subscriber', async () => {
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        saveSubscriber(env.ctx, admin({ status: 'pending', email: i % 2 ? 'RACE@example.org' : ' race@example.org ' })),
      ),
    );
    expect(new Set(results.map((r) => r.subscriberId)).size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(results.filter((r) => r.confirmationRequested)).toHaveLength(1);
    expect(await env.ctx.db.subscriber.count()).toBe(1);
  });
});
