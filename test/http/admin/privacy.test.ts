import { Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUEUE_NAMES } from '../../../src/jobs/queues.js';
import { createRedis } from '../../../src/redis.js';
import { createAdminEnv, seedLists, type AdminEnv } from './admin-env.js';

let env: AdminEnv;
beforeAll(async () => {
  env = await createAdminEnv();
  await seedLists(env);
});
afterAll(() => env.cleanup());

const ADDRESS = 'erase.me@example.org';

/** Every Redis value under this test's queue prefix that mentions the text. */
async function redisKeysMentioning(text: string): Promise<string[]> {
  const redis = createRedis(env.config.redisUrl, 'worker');
  const hits: string[] = [];
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${env.config.queuePrefix}:*`, 'COUNT', 1000);
      cursor = next;
      for (const key of keys) {
        const type = await redis.type(key);
        const dump =
          type === 'hash'
            ? JSON.stringify(await redis.hgetall(key))
            : type === 'string'
              ? String(await redis.get(key))
              : type === 'list'
                ? JSON.stringify(await redis.lrange(key, 0, -1))
                : type === 'zset'
                  ? JSON.stringify(await redis.zrange(key, '0', '-1'))
                  : type === 'set'
                    ? JSON.stringify(await redis.smembers(key))
                    : type === 'stream'
                      ? JSON.stringify(await redis.xrange(key, '-', '+'))
                      : '';
        if (dump.toLowerCase().includes(text.toLowerCase())) hits.push(key);
      }
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  return hits;
}

/** A mail job that failed the way a 5xx does: its reason quotes the address. */
async function failMailJob(subscriberId: number): Promise<void> {
  await env.ctx.queues.mail.add('welcome', { subscriberId }, { jobId: `welcome-${subscriberId}-failed`, attempts: 1 });
  const worker = new Worker(
    QUEUE_NAMES.mail,
    async () => {
      throw new Error(`refused by SMTP: 550 5.1.1 <${ADDRESS}>: no such user`);
    },
    { connection: createRedis(env.config.redisUrl, 'worker'), prefix: env.config.queuePrefix },
  );
  await new Promise<void>((resolve) => worker.on('failed', () => resolve()));
  await worker.close();
}

/** Every row of every table in the database that mentions the text, as "table: row". */
async function rowsMentioning(text: string): Promise<string[]> {
  const tables = await env.ctx.db.$queryRaw<Array<{ table_name: string }>>`
    SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`;
  expect(tables.map((t) => t.table_name)).toEqual(
    expect.arrayContaining(['Subscriber', 'ConsentRecord', 'Delivery', 'Subscription']),
  );
  const hits: string[] = [];
  for (const { table_name } of tables) {
    const rows = await env.ctx.db.$queryRawUnsafe<Array<{ row: string }>>(
      `SELECT t::text AS row FROM "${table_name.replace(/"/g, '""')}" t WHERE t::text ILIKE $1`,
      `%${text}%`,
    );
    hits.push(...rows.map((r) => `${table_name}: ${r.row}`));
  }
  return hits;
}

let seeded = 0;

async function seedSubscriberWithHistory() {
  seeded += 1;
  const created = await env.api
    .post('/subscribers')
    .send({ email: ADDRESS, lists: ['llm', 'trending'], status: 'active' });
  const id = created.body.id as number;
  await env.api.patch(`/subscribers/${id}`).send({ lists: ['llm'] });
  const arxivId = `2501.0000${seeded}`;
  const paper = await env.ctx.db.paper.create({ data: { key: arxivId, arxivId, title: 'A paper', source: 'file' } });
  const digest = await env.ctx.db.digest.create({ data: { period: `2026-02-0${seeded * 2 - 1}`, status: 'done' } });
  const other = await env.ctx.db.digest.create({ data: { period: `2026-02-0${seeded * 2}`, status: 'done' } });
  await env.ctx.db.delivery.create({
    data: {
      digestId: digest.id,
      subscriberId: id,
      status: 'sent',
      messageId: `<m1-${seeded}@test>`,
      smtpResponse: `250 OK queued for <${ADDRESS}>`,
      paperIds: [paper.id],
    },
  });
  await env.ctx.db.delivery.create({
    data: {
      digestId: other.id,
      subscriberId: id,
      status: 'failed',
      messageId: `<m2-${seeded}@test>`,
      lastError: `550 5.1.1 <${ADDRESS.toUpperCase()}>: mailbox unavailable`,
    },
  });
  return { id, paper };
}

describe('privacy', () => {
  it('exports everything held about one subscriber as JSON', async () => {
    const { id, paper } = await seedSubscriberWithHistory();
    const res = await env.api.get(`/subscribers/${id}/data`);
    expect(res.status).toBe(200);
    expect(res.headers['content-disposition']).toBe(`attachment; filename="subscriber-${id}.json"`);
    expect(res.body.subscriber).toMatchObject({ id, email: ADDRESS, status: 'active' });
    expect(res.body.subscriptions.map((s: { list: string }) => s.list)).toEqual(['llm']);
    expect(res.body.consents.map((c: { action: string }) => c.action)).toEqual(['admin', 'admin']);
    expect(res.body.deliveries).toHaveLength(2);
    expect(res.body.deliveries[0].papers).toEqual([{ id: paper.id, arxivId: paper.arxivId, title: 'A paper' }]);
    expect((await env.api.get('/subscribers/999999/data')).status).toBe(404);
    await env.api.post(`/subscribers/${id}/erase`);
  });

  it('erases the address from every table, keeping anonymous delivery counts', async () => {
    const { id } = await seedSubscriberWithHistory();
    await failMailJob(id);
    expect((await rowsMentioning(ADDRESS)).length).toBeGreaterThan(0);
    expect((await redisKeysMentioning(ADDRESS)).length).toBeGreaterThan(0);
    const deliveriesBefore = await env.ctx.db.delivery.count();

    const res = await env.api.post(`/subscribers/${id}/erase`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ erased: true, subscriberId: id, deliveriesAnonymised: 2, jobsRemoved: 1 });

    expect(await rowsMentioning(ADDRESS)).toEqual([]);
    expect(await redisKeysMentioning(ADDRESS)).toEqual([]);
    expect(await rowsMentioning('erase.me')).toEqual([]);
    expect(await env.ctx.db.consentRecord.count({ where: { subscriberId: id } })).toBe(0);
    expect(await env.ctx.db.subscription.count({ where: { subscriberId: id } })).toBe(0);
    expect(await env.ctx.db.delivery.count()).toBe(deliveriesBefore);
    const orphaned = await env.ctx.db.delivery.findMany({
      where: { messageId: { in: ['<m1-2@test>', '<m2-2@test>'] } },
    });
    expect(orphaned).toHaveLength(2);
    expect(orphaned.every((d) => d.subscriberId === null)).toBe(true);
    expect(orphaned.find((d) => d.status === 'failed')?.lastError).toBe('550 5.1.1 <[erased]>: mailbox unavailable');
    expect((await env.api.get(`/subscribers/${id}`)).status).toBe(404);
    expect((await env.api.post(`/subscribers/${id}/erase`)).status).toBe(404);
  });
});
