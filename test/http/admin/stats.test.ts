import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContext } from '../../../src/context.js';
import { createApp } from '../../../src/http/app.js';
import { addSubscriber, createAdminEnv, seedLists, type AdminEnv } from './admin-env.js';

let env: AdminEnv;
beforeAll(async () => {
  env = await createAdminEnv();
  await seedLists(env);
});
afterAll(() => env.cleanup());

const today = () => new Date().toISOString().slice(0, 10);

describe('GET /stats', () => {
  it('counts subscribers by status and list, sign-ups, confirmations and deliveries per day, and the bounce rate', async () => {
    const a = await addSubscriber(env, 'a@example.org', { lists: ['trending', 'llm'] });
    const b = await addSubscriber(env, 'b@example.org', { status: 'pending', lists: ['llm'] });
    await addSubscriber(env, 'c@example.org', { status: 'unsubscribed', lists: ['vision'] });
    await env.ctx.db.subscriber.update({ where: { id: a.id }, data: { confirmedAt: new Date() } });
    const digest = await env.ctx.db.digest.create({ data: { period: today() } });
    await env.ctx.db.delivery.createMany({
      data: [
        { digestId: digest.id, subscriberId: a.id, status: 'sent', messageId: '<s1@t>' },
        { digestId: digest.id, subscriberId: b.id, status: 'failed', messageId: '<s2@t>' },
        { digestId: digest.id, subscriberId: null, status: 'sent', messageId: '<s3@t>' },
        { digestId: digest.id, subscriberId: null, status: 'sent', messageId: '<s4@t>' },
        { digestId: digest.id, subscriberId: null, status: 'skipped', messageId: '<s5@t>' },
      ],
    });

    const res = await env.api.get('/stats?days=7');
    expect(res.status).toBe(200);
    expect(res.body.subscribers.byStatus).toEqual({
      pending: 1,
      active: 1,
      unsubscribed: 1,
      bounced: 0,
      complained: 0,
    });
    const llm = res.body.subscribers.byList.find((l: { slug: string }) => l.slug === 'llm');
    expect(llm).toEqual({ slug: 'llm', name: 'Language models', total: 2, byStatus: { active: 1, pending: 1 } });
    expect(res.body.signupsPerDay).toHaveLength(7);
    expect(res.body.signupsPerDay.at(-1)).toEqual({ day: today(), count: 3 });
    expect(res.body.signupsPerDay[0].count).toBe(0);
    expect(res.body.confirmationsPerDay.at(-1)).toEqual({ day: today(), count: 1 });
    expect(res.body.deliveriesPerDay.at(-1)).toEqual({
      day: today(),
      pending: 0,
      sending: 0,
      sent: 3,
      skipped: 1,
      failed: 1,
    });
    expect(res.body.bounceRate).toBe(0.25);
    expect((await env.api.get('/stats?days=0')).status).toBe(400);
  });
});

describe('stats days', () => {
  it('are UTC days, also when the database session runs in another time zone', async () => {
    const yesterday = new Date(Date.now() - 86_400_000);
    const day = yesterday.toISOString().slice(0, 10);
    // 02:00 UTC yesterday is still the day before in New York.
    await env.ctx.db.subscriber.create({
      data: { email: 'early@example.org', createdAt: new Date(`${day}T02:00:00Z`) },
    });
    const url = new URL(env.config.databaseUrl);
    url.searchParams.set('options', '-c timezone=America/New_York');
    const ny = createContext({ ...env.config, databaseUrl: url.toString() }, { logger: env.ctx.logger });
    try {
      const res = await request(createApp(ny)).get('/api/admin/stats?days=3').set(env.auth);
      expect(res.body.signupsPerDay.find((d: { day: string }) => d.day === day)).toEqual({ day, count: 1 });
    } finally {
      await ny.close();
    }
  });
});
