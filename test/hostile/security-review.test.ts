// The public-side findings of the security review (issue 14), each replayed
// against the real app as the reviewer did. Every test here failed on the
// code the review looked at.
import request from 'supertest';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAdminToken } from '../../src/admin/admin-tokens.js';
import { createApp } from '../../src/http/app.js';
import { isOneClick } from '../../src/http/pages/link-routes.js';
import { addressConfirmationLimit, sendConfirmation } from '../../src/subscriptions/confirmation-mail.js';
import { subscriberLinks } from '../../src/subscriptions/links.js';
import { ipRateLimitSubject } from '../../src/subscriptions/rate-limit.js';
import { createTestEnv, type TestEnv } from '../helpers/context.js';
import { createLists, openForm } from '../http/pages/page-helpers.js';

const path = (url: string) => new URL(url).pathname;
const METRICS_TOKEN = 'metrics-scraper-token-0123456789';

describe('security review: public findings', () => {
  let env: TestEnv;
  let app: ReturnType<typeof createApp>;

  beforeAll(async () => {
    env = await createTestEnv({ SIGNUP_LIMIT_PER_IP: '100000', METRICS_TOKEN });
    app = createApp(env.ctx);
    await createLists(env.ctx.db);
  });
  afterAll(() => env?.cleanup());
  beforeEach(() => {
    env.sink.clear();
    env.sink.refuse(undefined);
  });

  async function activeReader(email: string) {
    const list = await env.ctx.db.list.findUniqueOrThrow({ where: { slug: 'trending' } });
    return env.ctx.db.subscriber.create({
      data: {
        email,
        status: 'active',
        confirmedAt: new Date(),
        subscriptions: { create: [{ listId: list.id, confirmedAt: new Date() }] },
      },
    });
  }

  it('metrics: /metrics answers only METRICS_TOKEN or an admin token with the read scope', async () => {
    expect((await request(app).get('/metrics')).status).toBe(401);
    expect((await request(app).get('/metrics').set('Authorization', 'Bearer not-a-token-at-all')).status).toBe(401);
    const lists = await createAdminToken(env.ctx.db, 'lists only', ['lists']);
    expect((await request(app).get('/metrics').set('Authorization', `Bearer ${lists.token}`)).status).toBe(403);
    const read = await createAdminToken(env.ctx.db, 'dashboards', ['read']);
    expect((await request(app).get('/metrics').set('Authorization', `Bearer ${read.token}`)).status).toBe(200);
    const scraper = await request(app).get('/metrics').set('Authorization', `Bearer ${METRICS_TOKEN}`);
    expect(scraper.status).toBe(200);
    expect(scraper.text).toContain('paperboy_http_request_duration_seconds');
  });

  it('metrics: a sign-up for an unsubscribed address moves the same series as one for a new address', async () => {
    await env.ctx.db.subscriber.create({
      data: { email: 'gone@example.org', status: 'unsubscribed', unsubscribedAt: new Date() },
    });
    const signupSeries = async () => {
      const text = (await request(app).get('/metrics').set('Authorization', `Bearer ${METRICS_TOKEN}`)).text;
      return text.split('\n').filter((line) => line.startsWith('paperboy_signups_total'));
    };
    const signup = (email: string) =>
      request(app)
        .post('/subscribe')
        .send({ email, lists: ['trending'] })
        .expect(202);
    await signup('first-new@example.org');
    const before = await signupSeries();
    await signup('gone@example.org');
    const afterExisting = await signupSeries();
    await signup('second-new@example.org');
    const afterNew = await signupSeries();
    const moved = (a: string[], b: string[]) =>
      b.filter((line) => !a.includes(line)).map((line) => line.replace(/ \d+$/, ''));
    expect(moved(before, afterExisting)).toEqual(moved(afterExisting, afterNew));
    expect(afterNew.join('\n')).not.toMatch(/existing|unsubscribed|created/);
  });

  it('CSRF: a cross-site urlencoded sign-up that only accepts JSON is refused and stores nothing', async () => {
    const { cookie } = await openForm(app);
    const res = await request(app)
      .post('/subscribe')
      .set('Cookie', cookie)
      .set('Accept', 'application/json')
      .type('form')
      .send('email=victim%40example.org&lists=trending');
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBeTruthy();
    expect(await env.ctx.db.subscriber.count({ where: { email: 'victim@example.org' } })).toBe(0);
  });

  it('CSRF: a JSON body still needs no form token (browsers cannot send it cross-site without a preflight)', async () => {
    const res = await request(app)
      .post('/subscribe')
      .send({ email: 'json-client@example.org', lists: ['trending'] });
    expect(res.status).toBe(202);
    expect(await env.ctx.db.subscriber.count({ where: { email: 'json-client@example.org' } })).toBe(1);
  });

  it('one-click: a body over 1 KB is refused before any parsing and unsubscribes no one', async () => {
    const reader = await activeReader('big-body@example.org');
    const link = path(subscriberLinks(env.config, reader.id).unsubscribe);
    // The reviewer's crafted body: many header-looking lines that made the old regex backtrack.
    const crafted = `--b\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n${'x: y\r\n'.repeat(300)}\r\nOne-Click\r\n--b--\r\n`;
    const res = await request(app).post(link).set('Content-Type', 'multipart/form-data; boundary=b').send(crafted);
    expect(res.status).toBe(413);
    const padded = await request(app)
      .post(link)
      .type('form')
      .send(`List-Unsubscribe=One-Click&pad=${'x'.repeat(1100)}`);
    expect(padded.status).toBe(413);
    expect((await env.ctx.db.subscriber.findUniqueOrThrow({ where: { id: reader.id } })).status).toBe('active');
  });

  it('one-click: the line parser accepts the RFC 8058 forms and refuses look-alikes', () => {
    expect(isOneClick('List-Unsubscribe=One-Click')).toBe(true);
    expect(
      isOneClick(
        Buffer.from('--b\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\nOne-Click\r\n--b--\r\n'),
      ),
    ).toBe(true);
    expect(
      isOneClick('--b\nContent-Disposition: form-data; name=List-Unsubscribe\nContent-Type: text/plain\n\nOne-Click\n'),
    ).toBe(true);
    expect(isOneClick('--b\r\nContent-Disposition: form-data; name="List-Unsubscribe-Not"\r\n\r\nOne-Click\r\n')).toBe(
      false,
    );
    expect(isOneClick('--b\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\nTwo-Click\r\n')).toBe(
      false,
    );
    expect(isOneClick(`${'\r\n'.repeat(400)}name="List-Unsubscribe"`)).toBe(false);
  });

  it('SMTP replies: a refused confirmation leaves no full address in the error that is logged and kept', async () => {
    const reader = await env.ctx.db.subscriber.create({
      data: { email: 'refused.reader@example.org', status: 'pending', confirmRequestedAt: new Date() },
    });
    const list = await env.ctx.db.list.findUniqueOrThrow({ where: { slug: 'trending' } });
    await env.ctx.db.subscription.create({ data: { subscriberId: reader.id, listId: list.id } });
    env.sink.refuse({ code: 550, message: '5.1.1 <refused.reader@example.org>: Recipient address rejected' });
    const failure = await sendConfirmation(env.ctx, reader.id).then(
      () => undefined,
      (error: Error) => error.message,
    );
    expect(failure).toContain('550');
    expect(failure).toContain('r***@example.org');
    expect(failure).not.toContain('refused.reader@');
  });
});

describe('security review: sign-up limits', () => {
  let env: TestEnv;
  let app: ReturnType<typeof createApp>;
  beforeAll(async () => {
    env = await createTestEnv({ SIGNUP_LIMIT_PER_IP: '2', SIGNUP_LIMIT_PER_ADDRESS: '2', TRUST_PROXY: '1' });
    app = createApp(env.ctx);
    await createLists(env.ctx.db);
  });
  afterAll(() => env?.cleanup());

  const signup = (ip: string, email: string) =>
    request(app)
      .post('/subscribe')
      .set('X-Forwarded-For', ip)
      .send({ email, lists: ['trending'] });

  it('IPv6 addresses of one /64 share one counter', async () => {
    const statuses = [];
    for (const suffix of ['1', 'beef', 'a:b:c:d'])
      statuses.push((await signup(`2001:db8:1:2::${suffix}`, `v6-${statuses.length}@example.org`)).status);
    expect(statuses).toEqual([202, 202, 429]);
    expect((await signup('2001:db8:1:3::1', 'other-net@example.org')).status).toBe(202);
    expect(ipRateLimitSubject('2001:DB8:1:2:ffff::9')).toBe('2001:db8:1:2::/64');
    expect(ipRateLimitSubject('::ffff:203.0.113.9')).toBe('203.0.113.9');
  });

  it("a stranger's sign-ups cannot lock a person out: every attempt is answered, only confirmation emails are capped", async () => {
    const limited = { ...env.ctx, confirmationLimit: addressConfirmationLimit(env.ctx) };
    const sendConfirmationJob = async () => {
      const row = await env.ctx.db.subscriber.findUniqueOrThrow({ where: { email: 'victim@example.org' } });
      // As the 10-minute resend throttle would allow later on.
      await env.ctx.db.subscriber.update({
        where: { id: row.id },
        data: { confirmRequestedAt: new Date(), confirmSentAt: null },
      });
      return sendConfirmation(limited, row.id);
    };
    for (let i = 0; i < 3; i += 1) expect((await signup(`198.51.100.${i + 1}`, 'victim@example.org')).status).toBe(202);
    expect(await sendConfirmationJob()).toBe('sent');
    expect(await sendConfirmationJob()).toBe('sent');
    expect(await sendConfirmationJob()).toBe('limited');
    expect(env.sink.messages.filter((m) => m.envelope.to.includes('victim@example.org'))).toHaveLength(2);
    // The person signs up themselves: answered, and a link already in their inbox confirms.
    expect((await signup('203.0.113.50', 'victim@example.org')).status).toBe(202);
    const link = /href="https:\/\/paperboy\.test(\/confirm\/[^"]+)"/.exec(
      String(env.sink.messages.at(-1)!.parsed.html),
    )![1]!;
    expect((await request(app).post(link)).text).toContain('You are subscribed');
  });
});
