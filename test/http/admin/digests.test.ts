import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addSubscriber, createAdminEnv, seedLists, type AdminEnv } from './admin-env.js';

let env: AdminEnv;
beforeAll(async () => {
  env = await createAdminEnv();
  await seedLists(env);
});
afterAll(() => env.cleanup());

describe('digests', () => {
  it('triggers a period: 202 with the digest, planning queued', async () => {
    const res = await env.api.post('/digests').send({ date: '2026-04-01' });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({
      id: expect.any(Number),
      period: '2026-04-01',
      status: 'planning',
      planned: 0,
      progress: 0,
    });
    const job = await env.ctx.queues.digestPlan.getJob('digest-plan-2026-04-01');
    expect(job?.data).toEqual({ digestId: res.body.id, period: '2026-04-01' });
    expect(res.body.run).toEqual({ id: 'digest-plan-2026-04-01', state: 'waiting' });
    // `period` is the word; `date` is its alias. A second trigger joins the waiting run.
    const again = await env.api.post('/digests').send({ period: '2026-04-01' });
    expect(again.body.id).toBe(res.body.id);
    expect(again.body.run).toEqual({ id: 'digest-plan-2026-04-01', state: 'waiting' });
    const missing = await env.api.post('/digests').send({});
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toContain('period');
    expect((await env.api.post('/digests').send({ date: '2026-02-30' })).status).toBe(400);
    expect((await env.api.post('/digests').send({ date: 'tomorrow' })).status).toBe(400);
  });

  it('shows status with counts and progress, and lists digests newest first', async () => {
    const digest = await env.ctx.db.digest.create({
      data: { period: '2026-04-02', status: 'sending', planned: 10, sent: 5, skipped: 2, failed: 1 },
    });
    const one = await env.api.get(`/digests/${digest.id}`);
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({
      id: digest.id,
      status: 'sending',
      planned: 10,
      sent: 5,
      skipped: 2,
      failed: 1,
      progress: 0.8,
    });
    const list = await env.api.get('/digests?limit=10');
    expect(list.body.items.map((d: { period: string }) => d.period)).toEqual(['2026-04-02', '2026-04-01']);
    expect((await env.api.get('/digests/999999')).status).toBe(404);
  });

  it('pages through digests by period with a cursor, skipping none and repeating none', async () => {
    await env.ctx.db.digest.createMany({
      data: ['2026-03-30', '2026-03-31', '2026-04-05'].map((period) => ({ period, status: 'done' as const })),
    });
    const first = await env.api.get('/digests?limit=2');
    expect(first.body.items.map((d: { period: string }) => d.period)).toEqual(['2026-04-05', '2026-04-02']);
    // A digest planned while paging, for an older period than the cursor's, still shows up.
    await env.ctx.db.digest.create({ data: { period: '2026-03-29', status: 'planning' } });
    const second = await env.api.get(`/digests?limit=2&cursor=${first.body.nextCursor}`);
    const third = await env.api.get(`/digests?limit=2&cursor=${second.body.nextCursor}`);
    expect(second.body.items.map((d: { period: string }) => d.period)).toEqual(['2026-04-01', '2026-03-31']);
    expect(third.body.items.map((d: { period: string }) => d.period)).toEqual(['2026-03-30', '2026-03-29']);
    expect(third.body.nextCursor).toBeNull();
    const forged = Buffer.from("period:2026-04-01' OR 1=1", 'utf8').toString('base64url');
    for (const cursor of [forged, 'aWQ6MTI', 'not a cursor']) {
      const res = await env.api.get(`/digests?cursor=${encodeURIComponent(cursor)}`);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
    }
  });
});

describe('preview and resend', () => {
  let subscriberId: number;
  let paperId: number;
  beforeAll(async () => {
    const s = await addSubscriber(env, 'preview@example.org', { lists: ['llm'] });
    subscriberId = s.id;
    const paper = await env.ctx.db.paper.create({
      data: {
        key: '2511.11111',
        arxivId: '2511.11111',
        title: 'Small language models <b>rock</b>',
        abstract: 'About LLM.',
        upvotes: 9,
        source: 'file',
      },
    });
    paperId = paper.id;
  });

  it("renders one subscriber's email (HTML and text) without sending anything", async () => {
    const res = await env.api.get(`/digests/preview?subscriber=${subscriberId}`);
    expect(res.status).toBe(200);
    expect(res.body.paperIds).toEqual([paperId]);
    expect(res.body.subject).toEqual(expect.any(String));
    expect(res.body.html).toContain('Small language models &lt;b&gt;rock&lt;/b&gt;');
    expect(res.body.text).toContain('Small language models <b>rock</b>');
    expect(await env.ctx.db.delivery.count()).toBe(0);
    expect(env.sink.messages).toHaveLength(0);

    const html = await env.api.get(`/digests/preview?subscriber=${subscriberId}&format=html`);
    expect(html.status).toBe(200);
    expect(html.headers['content-type']).toContain('text/html');
    expect(html.headers['content-security-policy']).toContain('sandbox');
    const text = await env.api.get(`/digests/preview?subscriber=${subscriberId}&format=text`);
    expect(text.headers['content-type']).toContain('text/plain');

    expect((await env.api.get('/digests/preview?subscriber=999999')).status).toBe(404);
    const noSubscriber = await env.api.get('/digests/preview');
    expect(noSubscriber.status).toBe(400);
    expect(noSubscriber.body.error.message).toBe('subscriber: required: a subscriber id');
    expect((await env.api.get('/digests/preview?subscriber=abc')).body.error.message).toBe(
      'subscriber: must be a subscriber id',
    );
  });

  it('resends a failed delivery and refuses to resend a sent one', async () => {
    const digest = await env.ctx.db.digest.create({
      data: { period: '2026-04-03', status: 'done', planned: 2, sent: 1, failed: 1 },
    });
    const failed = await env.ctx.db.delivery.create({
      data: {
        digestId: digest.id,
        subscriberId,
        status: 'failed',
        lastError: '451 try later',
        messageId: '<r1@t>',
        paperIds: [paperId],
        batch: 3,
      },
    });
    const other = await addSubscriber(env, 'sent@example.org', { lists: ['llm'] });
    const sent = await env.ctx.db.delivery.create({
      data: { digestId: digest.id, subscriberId: other.id, status: 'sent', messageId: '<r2@t>', paperIds: [paperId] },
    });
    const res = await env.api.post(`/deliveries/${failed.id}/resend`);
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ id: failed.id, digestId: digest.id, batch: 3, status: 'pending' });
    expect((await env.ctx.db.delivery.findUniqueOrThrow({ where: { id: failed.id } })).status).toBe('pending');
    const jobs = await env.ctx.queues.digestSend.getJobs(['waiting', 'delayed']);
    expect(jobs.some((j) => j.data.digestId === digest.id && j.data.batch === 3)).toBe(true);
    const conflict = await env.api.post(`/deliveries/${sent.id}/resend`);
    expect(conflict.status).toBe(409);
    expect((await env.api.post('/deliveries/999999/resend')).status).toBe(404);
  });
});
