// Suppressed addresses (hard bounce, complaint): a sign-up is answered as
// usual and sends nothing; CSV import skips them and says so per row; the
// digest planner leaves them out; an admin lifts one on purpose, recorded.
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyFeedback } from '../../src/inbound/feedback.js';
import { sendConfirmation } from '../../src/subscriptions/confirmation-mail.js';
import { planPeriod } from '../../src/digest/planner.js';
import { addSubscriber, createAdminEnv, seedLists, type AdminEnv } from '../http/admin/admin-env.js';
import { VALID_SIGNUP } from '../http/pages/page-helpers.js';

describe('suppression', () => {
  let env: AdminEnv;
  beforeAll(async () => {
    env = await createAdminEnv();
    await seedLists(env);
  });
  afterAll(() => env.cleanup());

  const suppress = async (email: string, kind: 'hard_bounce' | 'complaint') => {
    await addSubscriber(env, email);
    await applyFeedback(env.ctx, { kind, target: { email }, source: 'sendgrid', detail: 'test' });
  };

  it('a sign-up from a hard-bounced address gets the usual answer, and no confirmation goes out', async () => {
    await suppress('gone@example.org', 'hard_bounce');
    const fresh = await request(env.app)
      .post('/subscribe')
      .send({ ...VALID_SIGNUP, email: 'fresh@example.org' });
    const blocked = await request(env.app)
      .post('/subscribe')
      .send({ ...VALID_SIGNUP, email: 'gone@example.org' });
    expect(blocked.status).toBe(fresh.status);
    expect(blocked.body).toEqual(fresh.body);
    const gone = await env.ctx.db.subscriber.findUniqueOrThrow({ where: { email: 'gone@example.org' } });
    expect(await sendConfirmation(env.ctx, gone.id)).toBe('suppressed');
    const fresher = await env.ctx.db.subscriber.findUniqueOrThrow({ where: { email: 'fresh@example.org' } });
    expect(await sendConfirmation(env.ctx, fresher.id)).toBe('sent');
    expect(env.sink.to('gone@example.org')).toHaveLength(0);
    expect(env.sink.to('fresh@example.org')).toHaveLength(1);
    // Handled for good: the sweep does not pick it up again.
    const after = await env.ctx.db.subscriber.findUniqueOrThrow({ where: { id: gone.id } });
    expect(after.confirmSentAt?.getTime()).toBeGreaterThanOrEqual(after.confirmRequestedAt!.getTime());
  });

  it('CSV import skips suppressed addresses and reports each one', async () => {
    await suppress('complained@example.org', 'complaint');
    const csv = [
      'email,lists,timezone,sendHour,frequency',
      'ok@example.org,trending,,,',
      'complained@example.org,trending,,,',
      'GONE@example.org,trending,,,',
    ].join('\n');
    const res = await env.api.post('/subscribers/import?status=active').set('Content-Type', 'text/csv').send(csv);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ created: 1, skipped: 2 });
    expect(res.body.errors).toEqual([
      { row: 3, message: 'email: suppressed (complaint), skipped' },
      { row: 4, message: 'email: suppressed (hard_bounce), skipped' },
    ]);
    expect((await env.ctx.db.subscriber.findUniqueOrThrow({ where: { email: 'complained@example.org' } })).status).toBe(
      'complained',
    );
  });

  it('the digest planner leaves a suppressed address out even if its status says active', async () => {
    await suppress('forced@example.org', 'hard_bounce');
    await env.ctx.db.subscriber.update({ where: { email: 'forced@example.org' }, data: { status: 'active' } });
    await env.ctx.db.paper.create({ data: { key: 'p-suppression', title: 'A paper', source: 'admin', upvotes: 3 } });
    await planPeriod(env.ctx, '2026-11-20', { due: { kind: 'all' } });
    const forced = await env.ctx.db.subscriber.findUniqueOrThrow({
      where: { email: 'forced@example.org' },
      include: { deliveries: true },
    });
    expect(forced.deliveries).toHaveLength(0);
    expect(await env.ctx.db.delivery.count({ where: { subscriber: { email: 'ok@example.org' } } })).toBe(1);
  });

  it('GET /api/admin/suppressions lists them, newest first, paged', async () => {
    const first = await env.api.get('/suppressions?limit=2');
    expect(first.status).toBe(200);
    expect(first.body.items.map((s: { email: string }) => s.email)).toEqual([
      'forced@example.org',
      'complained@example.org',
    ]);
    expect(first.body.items[0]).toMatchObject({ reason: 'hard_bounce', source: 'sendgrid' });
    const next = await env.api.get(`/suppressions?limit=2&cursor=${first.body.nextCursor}`);
    expect(next.body).toMatchObject({ items: [{ email: 'gone@example.org' }], nextCursor: null });
  });

  it('an admin lifts a suppression explicitly: recorded with who and why; then a sign-up confirms as usual', async () => {
    const missingNote = await env.api.post('/suppressions/lift').send({ email: 'gone@example.org' });
    expect(missingNote.status).toBe(400);
    expect(missingNote.body.error.message).toContain('note');
    const lifted = await env.api
      .post('/suppressions/lift')
      .send({ email: 'Gone@example.org', note: 'reader wrote in: mailbox fixed' });
    expect(lifted.status).toBe(200);
    const gone = await env.ctx.db.subscriber.findUniqueOrThrow({ where: { email: 'gone@example.org' } });
    expect(await env.ctx.db.mailEvent.findFirst({ where: { kind: 'suppression_lifted' } })).toMatchObject({
      subscriberId: gone.id,
      source: 'admin',
      detail: 'by bootstrap: reader wrote in: mailbox fixed',
    });
    expect((await env.api.get('/suppressions')).body.items.map((s: { email: string }) => s.email)).not.toContain(
      'gone@example.org',
    );
    expect((await env.api.post('/suppressions/lift').send({ email: 'gone@example.org', note: 'again' })).status).toBe(
      404,
    );
    // An hour later (past the confirmation throttle) the reader signs up again.
    await env.ctx.db.subscriber.update({
      where: { id: gone.id },
      data: { confirmRequestedAt: new Date(Date.now() - 3600_000) },
    });
    await request(env.app)
      .post('/subscribe')
      .send({ ...VALID_SIGNUP, email: 'gone@example.org' });
    expect(await sendConfirmation(env.ctx, gone.id)).toBe('sent');
  });
});
