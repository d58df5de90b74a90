import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addSubscriber, createAdminEnv, seedLists, type AdminEnv } from './admin-env.js';

let env: AdminEnv;
beforeAll(async () => {
  env = await createAdminEnv();
  await seedLists(env);
});
afterAll(() => env.cleanup());

/** Confirmation emails waiting for a worker: the outbox rows of this subscriber. */
function confirmationsFor(subscriberId: number) {
  return env.ctx.db.confirmationOutbox.count({ where: { subscriberId } });
}

describe('POST /subscribers', () => {
  it('creates a pending subscriber with the SPEC shape and queues its confirmation email', async () => {
    const res = await env.api.post('/subscribers').send({
      email: ' Ada@Example.ORG ',
      lists: ['llm', 'trending'],
      timezone: 'Europe/Paris',
      sendHour: 8,
      frequency: 'weekly',
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      email: 'ada@example.org',
      status: 'pending',
      timezone: 'Europe/Paris',
      sendHour: 8,
      frequency: 'weekly',
      lists: ['trending', 'llm'],
      created: true,
      confirmationRequested: true,
    });
    expect(await confirmationsFor(res.body.id)).toBe(1);
    const consent = await env.ctx.db.consentRecord.findMany({ where: { subscriberId: res.body.id } });
    expect(consent).toEqual([expect.objectContaining({ action: 'admin', lists: ['trending', 'llm'] })]);
  });

  it('creates an active subscriber without a confirmation email', async () => {
    const res = await env.api
      .post('/subscribers')
      .send({ email: 'grace@example.org', lists: ['vision'], status: 'active' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'active', confirmationRequested: false });
    expect(res.body.confirmedAt).not.toBeNull();
    expect(await confirmationsFor(res.body.id)).toBe(0);
  });

  it('does not duplicate an existing address', async () => {
    const res = await env.api
      .post('/subscribers')
      .send({ email: 'GRACE@example.org', lists: ['vision', 'llm'], status: 'active' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ created: false, lists: ['llm', 'vision'] });
  });

  it('400s with field details for a bad address, unknown list or bad preferences', async () => {
    const bad = await env.api
      .post('/subscribers')
      .send({ email: 'not an address', lists: [], sendHour: 24, timezone: 'Mars/Olympus' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual([
      'email',
      'lists',
      'sendHour',
      'timezone',
    ]);
    const unknown = await env.api.post('/subscribers').send({ email: 'x@example.org', lists: ['nope'] });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toContain('nope');
  });
});

describe('GET /subscribers', () => {
  beforeAll(async () => {
    await addSubscriber(env, 'alan@turing.example', { lists: ['llm'] });
    await addSubscriber(env, 'alonzo@church.example', { status: 'unsubscribed', lists: ['vision'] });
  });

  it('filters by address fragment, status and list', async () => {
    const byQ = await env.api.get('/subscribers?q=TURING');
    expect(byQ.status).toBe(200);
    expect(byQ.body.items.map((s: { email: string }) => s.email)).toEqual(['alan@turing.example']);
    const byStatus = await env.api.get('/subscribers?status=unsubscribed');
    expect(byStatus.body.items.map((s: { email: string }) => s.email)).toEqual(['alonzo@church.example']);
    const byList = await env.api.get('/subscribers?list=llm&status=active');
    expect(byList.body.items.map((s: { email: string }) => s.email).sort()).toEqual([
      'alan@turing.example',
      'grace@example.org',
    ]);
    expect(byList.body.nextCursor).toBeNull();
    // A fragment is literal text, not a LIKE pattern.
    expect((await env.api.get('/subscribers?q=%25')).body.items).toEqual([]);
    expect((await env.api.get('/subscribers?q=a_an')).body.items).toEqual([]);
  });

  it('400s on a bad filter or cursor', async () => {
    expect((await env.api.get('/subscribers?status=gone')).status).toBe(400);
    expect((await env.api.get('/subscribers?limit=501')).status).toBe(400);
    const cursor = await env.api.get('/subscribers?cursor=garbage');
    expect(cursor.status).toBe(400);
    expect(cursor.body.error.details[0].path).toBe('cursor');
  });

  it('keeps pages stable while subscribers are added', async () => {
    await env.ctx.db.subscriber.createMany({
      data: Array.from({ length: 25 }, (_, i) => ({ email: `page${i}@example.org` })),
    });
    const before = await env.ctx.db.subscriber.findMany({
      where: { email: { startsWith: 'page' } },
      orderBy: { id: 'asc' },
    });
    const seen: string[] = [];
    let cursor: string | null = null;
    let round = 0;
    do {
      const res = await env.api.get(`/subscribers?q=page&limit=7${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      seen.push(...res.body.items.map((s: { email: string }) => s.email));
      cursor = res.body.nextCursor;
      // Sign-ups arrive between pages.
      await env.ctx.db.subscriber.create({ data: { email: `page-late${round++}@example.org` } });
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.slice(0, 25)).toEqual(before.map((s) => s.email));
    // Rows added during paging come after the cursor, never in the middle.
    expect(seen.slice(25).every((email) => email.startsWith('page-late'))).toBe(true);
  });
});

describe('one subscriber', () => {
  it('reads a subscriber with subscriptions and recent deliveries', async () => {
    const s = await addSubscriber(env, 'detail@example.org', { lists: ['llm', 'vision'] });
    const digest = await env.ctx.db.digest.create({ data: { period: '2026-01-05' } });
    await env.ctx.db.delivery.create({
      data: { digestId: digest.id, subscriberId: s.id, status: 'sent', messageId: '<d1@test>', sentAt: new Date() },
    });
    const res = await env.api.get(`/subscribers/${s.id}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: s.id,
      email: 'detail@example.org',
      status: 'active',
      lists: ['llm', 'vision'],
    });
    expect(res.body.subscriptions.map((x: { list: string }) => x.list)).toEqual(['llm', 'vision']);
    expect(res.body.deliveries).toEqual([
      expect.objectContaining({ period: '2026-01-05', status: 'sent', digestId: digest.id }),
    ]);
    expect((await env.api.get('/subscribers/999999')).status).toBe(404);
    expect((await env.api.get('/subscribers/abc')).status).toBe(400);
  });

  it('updates status, lists and preferences, keeping consent evidence', async () => {
    const s = await addSubscriber(env, 'patch@example.org', { status: 'pending', lists: ['trending'] });
    const res = await env.api.patch(`/subscribers/${s.id}`).send({
      status: 'active',
      lists: ['vision', 'llm'],
      timezone: 'america/new_york',
      sendHour: 6,
      frequency: 'weekly',
      weekday: 5,
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: 'active',
      lists: ['llm', 'vision'],
      timezone: 'America/New_York',
      sendHour: 6,
      frequency: 'weekly',
      weekday: 5,
    });
    const subs = await env.ctx.db.subscription.findMany({ where: { subscriberId: s.id } });
    expect(subs.every((x) => x.confirmedAt !== null)).toBe(true);
    const consent = await env.ctx.db.consentRecord.findMany({ where: { subscriberId: s.id } });
    expect(consent).toEqual([expect.objectContaining({ action: 'admin', lists: ['llm', 'vision'] })]);

    const unsub = await env.api.patch(`/subscribers/${s.id}`).send({ status: 'unsubscribed' });
    expect(unsub.body.unsubscribedAt).not.toBeNull();
    expect((await env.api.patch(`/subscribers/${s.id}`).send({ lists: ['nope'] })).status).toBe(400);
    expect((await env.api.patch(`/subscribers/${s.id}`).send({ email: 'x@y.z' })).status).toBe(400);
    expect((await env.api.patch('/subscribers/999999').send({ sendHour: 1 })).status).toBe(404);
  });

  it('deletes a subscriber', async () => {
    const s = await addSubscriber(env, 'delete-me@example.org');
    expect((await env.api.delete(`/subscribers/${s.id}`)).status).toBe(204);
    expect(await env.ctx.db.subscriber.findUnique({ where: { id: s.id } })).toBeNull();
    expect((await env.api.delete(`/subscribers/${s.id}`)).status).toBe(404);
  });
});
