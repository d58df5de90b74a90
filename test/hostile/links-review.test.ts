// The link findings of the security review (issue 14): link tokens could not
// be revoked, a GET of the confirm link (as link scanners do) confirmed, and
// a percent-encoded token slipped past log redaction. Each test here failed
// on the reviewed code.
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/http/app.js';
import { createLogger } from '../../src/logger.js';
import { digestViewLink, subscriberLinks } from '../../src/subscriptions/links.js';
import { createTestEnv, type TestEnv } from '../helpers/context.js';
import { createLists, openForm, postForm } from '../http/pages/page-helpers.js';

const pathOf = (url: string) => new URL(url).pathname + new URL(url).search;

describe('security review: link findings', () => {
  let env: TestEnv;
  let app: ReturnType<typeof createApp>;
  const admin = () => ({ Authorization: `Bearer ${env.config.adminToken}` });

  beforeAll(async () => {
    env = await createTestEnv();
    app = createApp(env.ctx);
    await createLists(env.ctx.db);
  });
  afterAll(() => env?.cleanup());

  async function reader(email: string, status: 'pending' | 'active' = 'active') {
    const list = await env.ctx.db.list.findUniqueOrThrow({ where: { slug: 'trending' } });
    const row = await env.ctx.db.subscriber.create({
      data: {
        email,
        status,
        confirmRequestedAt: new Date(),
        subscriptions: { create: [{ listId: list.id, confirmedAt: status === 'active' ? new Date() : null }] },
      },
    });
    const digest = await env.ctx.db.digest.upsert({
      where: { period: '2026-01-05' },
      create: { period: '2026-01-05', status: 'done' },
      update: {},
    });
    const delivery = await env.ctx.db.delivery.create({
      data: { digestId: digest.id, subscriberId: row.id, status: 'sent', messageId: `<${email}>` },
    });
    // Links from an email sent a minute ago.
    const links = {
      ...subscriberLinks(env.config, row.id, Date.now() - 60_000),
      view: digestViewLink(env.config, row.id, delivery.id),
    };
    return {
      id: row.id,
      links: Object.fromEntries(Object.entries(links).map(([k, v]) => [k, pathOf(v)])) as Record<
        keyof typeof links,
        string
      >,
    };
  }

  const statusOf = async (id: number) => (await env.ctx.db.subscriber.findUniqueOrThrow({ where: { id } })).status;

  it('a link scanner that GETs the confirm link confirms no one; the button does', async () => {
    const { id, links } = await reader('scanned@example.org', 'pending');
    for (let i = 0; i < 3; i += 1)
      expect((await request(app).get(links.confirm).set('User-Agent', 'SafeLinks-Scanner')).status).toBe(200);
    expect(await statusOf(id)).toBe('pending');
    expect(await env.ctx.db.consentRecord.count({ where: { subscriberId: id } })).toBe(0);
    const pressed = await request(app).post(links.confirm);
    expect(pressed.text).toContain('You are subscribed');
    expect(await statusOf(id)).toBe('active');
  });

  it('"sign out all links" on the preference page ends every earlier link; links made afterwards work', async () => {
    const { id, links } = await reader('forwarded@example.org');
    const session = await openForm(app, links.preferences);
    const page = await request(app).get(links.preferences).set('Cookie', session.cookie);
    expect(page.text).toContain('Sign out all links');
    const signedOut = await postForm(app, links.preferences, session, { action: 'revoke_links' });
    expect(signedOut.status).toBe(200);
    expect(signedOut.text).toContain('All your links are signed out');

    for (const link of [links.preferences, links.unsubscribe, links.confirm]) {
      const res = await request(app).get(link);
      expect(res.status, link).toBe(410);
      expect(res.text).toContain('This link was signed out');
    }
    expect((await request(app).get(links.view)).status).toBe(404);
    const oneClick = await request(app).post(links.unsubscribe).type('form').send('List-Unsubscribe=One-Click');
    expect(oneClick.status).toBe(410);
    expect(await statusOf(id)).toBe('active');

    const fresh = subscriberLinks(env.config, id, Date.now() + 5);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect((await request(app).get(pathOf(fresh.preferences))).status).toBe(200);
  });

  it("an admin can sign out a subscriber's links (scope subscribers, audited); erasure ends them too", async () => {
    const forwarded = await reader('admin-revoked@example.org');
    const res = await request(app).post(`/api/admin/subscribers/${forwarded.id}/revoke-links`).set(admin());
    expect(res.status).toBe(204);
    expect((await request(app).get(forwarded.links.preferences)).status).toBe(410);
    expect(
      await env.ctx.db.auditEntry.count({
        where: {
          action: 'postSubscribersByidRevokeLinks',
          target: `/api/admin/subscribers/${forwarded.id}/revoke-links`,
        },
      }),
    ).toBe(1);
    expect((await request(app).post('/api/admin/subscribers/999999/revoke-links').set(admin())).status).toBe(404);

    const erased = await reader('erased@example.org');
    expect((await request(app).post(`/api/admin/subscribers/${erased.id}/erase`).set(admin())).status).toBeLessThan(
      300,
    );
    for (const link of [erased.links.preferences, erased.links.unsubscribe, erased.links.view]) {
      expect((await request(app).get(link)).status, link).toBe(404);
    }
  });

  it('a percent-encoded token is redacted from the request log like a plain one', async () => {
    const { links } = await reader('logged@example.org');
    const lines: string[] = [];
    const logged = createApp({
      ...env.ctx,
      logger: createLogger('info', { write: (line: string) => void lines.push(line) }),
    });
    const token = links.unsubscribe.split('/').pop()!;
    // Escape two characters: the router decodes them back to the working token.
    const encoded = `%${token.charCodeAt(0).toString(16)}${token.slice(1, -1)}%${token.charCodeAt(token.length - 1).toString(16)}`;
    const res = await request(logged).get(`/unsubscribe/${encoded}`);
    expect(res.status).toBe(200);
    expect(res.text).toContain('Yes, unsubscribe me');
    const urls = lines.map((l) => (JSON.parse(l) as { req?: { url?: string } }).req?.url).filter(Boolean);
    expect(urls).toContain('/unsubscribe/:token');
    expect(lines.join('\n')).not.toContain(token.slice(1, -1));
  });
});
