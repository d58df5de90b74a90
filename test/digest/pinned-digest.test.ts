// Pinned papers in planned digests, on Postgres: a pin leads the sections
// that take the paper and the email, and changes nothing else.
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setPaperHidden, setPaperPinned } from '../../src/admin/paper-admin.js';
import { openConsoleSession } from '../../src/admin/console-sessions.js';
import { parseLayout } from '../../src/digest/content.js';
import { previewDigest } from '../../src/digest/digest-service.js';
import { currentPeriod } from '../../src/digest/period.js';
import { planPeriod } from '../../src/digest/planner.js';
import { createAdminEnv, type AdminEnv } from '../http/admin/admin-env.js';
import { createList, createPaper, createSubscriber } from './fixtures.js';

// Planned days lie in the past, so the last test's real clock sees none of their papers or pins.
const start = new Date('2025-01-12T07:00:00Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe('pinned papers in planned digests', () => {
  let env: AdminEnv;
  let round = 0;

  beforeAll(async () => {
    env = await createAdminEnv();
  });
  afterAll(async () => {
    await env?.cleanup();
  });

  /** Each test plans its own days, far enough apart that earlier papers are out of the lookback. */
  function days() {
    const at = new Date(start.getTime() + ++round * 30 * DAY);
    return {
      at,
      seen: new Date(at.getTime() - 2 * HOUR),
      period: (offset = 0) => new Date(at.getTime() + offset * DAY).toISOString().slice(0, 10),
    };
  }

  async function plan(period: string, at: Date) {
    const result = await planPeriod(env.ctx, period, { due: { kind: 'all' }, now: at });
    const rows = await env.ctx.db.delivery.findMany({ where: { digestId: result.digestId } });
    return new Map(rows.map((r) => [r.subscriberId!, { paperIds: r.paperIds, layout: parseLayout(r.layout) }]));
  }

  const retire = (ids: number[]) => env.ctx.db.subscriber.deleteMany({ where: { id: { in: ids } } });

  it('a pinned low-upvote paper leads its section, and its section leads the email and names the subject', async () => {
    const db = env.ctx.db;
    const { at, seen, period } = days();
    const robots = await createList(db, { slug: 'robots-a', name: 'Robots', keywords: ['robot'] });
    const strong = await createPaper(db, 'Robot grasping at scale', { upvotes: 40, firstSeenAt: seen });
    const weak = await createPaper(db, 'A small robot study', { upvotes: 1, firstSeenAt: seen });
    const protein = await createPaper(db, 'Protein folding by diffusion', { upvotes: 50, firstSeenAt: seen });
    await setPaperPinned(db, weak.id, new Date(at.getTime() + DAY));
    const lists = await createSubscriber(db, 'robots-a@example.org', [robots.id]);
    // "For you" comes first in an email; a section opened by a pin comes before it.
    const personal = await createSubscriber(db, 'personal-a@example.org', [robots.id]);
    await db.subscriber.update({ where: { id: personal.id }, data: { interestInclude: ['protein folding'] } });

    const rows = await plan(period(), at);
    expect(rows.get(lists.id)!.layout!.sections).toEqual([{ key: robots.id, paperIds: [weak.id, strong.id] }]);
    expect(rows.get(personal.id)!.layout!.sections).toEqual([
      { key: robots.id, paperIds: [weak.id, strong.id] },
      { key: 0, paperIds: [protein.id] },
    ]);
    const preview = await previewDigest(env.ctx, personal.id, period());
    expect(preview.subject!.startsWith('A small robot study')).toBe(true);
    expect(preview.html!.indexOf('A small robot study')).toBeLessThan(
      preview.html!.indexOf('Protein folding by diffusion'),
    );
    await retire([lists.id, personal.id]);
    // The first preview compiles the MJML template: slow on a loaded machine.
  }, 60_000);

  it('an expired pin does nothing', async () => {
    const db = env.ctx.db;
    const { at, seen, period } = days();
    const robots = await createList(db, { slug: 'robots-b', name: 'Robots', keywords: ['robot'] });
    const strong = await createPaper(db, 'Robot grasping at scale', { upvotes: 40, firstSeenAt: seen });
    const weak = await createPaper(db, 'A small robot study', { upvotes: 1, firstSeenAt: seen });
    await setPaperPinned(db, weak.id, new Date(at.getTime() - HOUR));
    const reader = await createSubscriber(db, 'robots-b@example.org', [robots.id]);

    const rows = await plan(period(), at);
    expect(rows.get(reader.id)!.paperIds).toEqual([strong.id, weak.id]);
    await retire([reader.id]);
  });

  it('a pin never adds a paper the reader’s lists do not take, nor one they already had', async () => {
    const db = env.ctx.db;
    const { at, seen, period } = days();
    const trending = await createList(db, { slug: 'trending-c', name: 'Trending' });
    const robots = await createList(db, { slug: 'robots-c', name: 'Robots', keywords: ['robot'] });
    const popularRobots = await createList(db, {
      slug: 'popular-robots-c',
      name: 'Popular robots',
      keywords: ['robot'],
      minUpvotes: 5,
    });
    const top = await createPaper(db, 'The day’s top paper', { upvotes: 90, firstSeenAt: seen });
    const strong = await createPaper(db, 'Robot grasping at scale', { upvotes: 40, firstSeenAt: seen });
    const weak = await createPaper(db, 'A small robot study', { upvotes: 1, firstSeenAt: seen });
    const stocks = await createPaper(db, 'Stock market volatility', { upvotes: 2, firstSeenAt: seen });
    for (const paper of [weak, stocks]) await setPaperPinned(db, paper.id, new Date(at.getTime() + 7 * DAY));
    const robotReader = await createSubscriber(db, 'robots-c@example.org', [robots.id]);
    const popularReader = await createSubscriber(db, 'popular-c@example.org', [popularRobots.id]);
    const everything = await createSubscriber(db, 'trending-c@example.org', [trending.id]);

    const first = await plan(period(), at);
    // Robots takes no stock paper; Popular robots takes no paper under 5 upvotes.
    expect(first.get(robotReader.id)!.paperIds).toEqual([weak.id, strong.id]);
    expect(first.get(popularReader.id)!.paperIds).toEqual([strong.id]);
    // Trending takes every paper: both pins lead it, in the ranking's order.
    expect(first.get(everything.id)!.paperIds).toEqual([stocks.id, weak.id, top.id, strong.id]);

    await db.delivery.updateMany({ where: { status: 'pending' }, data: { status: 'sent', sentAt: at } });
    const fresh = await createPaper(db, 'Robot hands, the next day', {
      upvotes: 3,
      firstSeenAt: new Date(at.getTime() + DAY - HOUR),
    });
    const second = await plan(period(1), new Date(at.getTime() + DAY));
    // The pins are still live, but nobody gets a paper twice.
    expect(second.get(robotReader.id)!.paperIds).toEqual([fresh.id]);
    expect(second.get(everything.id)!.paperIds).toEqual([fresh.id]);
    await retire([robotReader.id, popularReader.id, everything.id]);
  });

  it('a hidden paper is not pinned, and not sent', async () => {
    const db = env.ctx.db;
    const { at, seen, period } = days();
    const robots = await createList(db, { slug: 'robots-d', name: 'Robots', keywords: ['robot'] });
    const strong = await createPaper(db, 'Robot grasping at scale', { upvotes: 40, firstSeenAt: seen });
    const weak = await createPaper(db, 'A small robot study', { upvotes: 1, firstSeenAt: seen });
    await setPaperPinned(db, weak.id, new Date(at.getTime() + DAY));
    await setPaperHidden(db, weak.id, true);
    const reader = await createSubscriber(db, 'robots-d@example.org', [robots.id]);

    const rows = await plan(period(), at);
    expect(rows.get(reader.id)!.paperIds).toEqual([strong.id]);
    await retire([reader.id]);
  });

  it('pinned from the console or the API: the previews and the planned digest open with it', async () => {
    const db = env.ctx.db;
    // Now, on the real clock: the API takes pins that end in the future.
    const robots = await createList(db, { slug: 'robots-e', name: 'Robots', keywords: ['robot'] });
    const strong = await createPaper(db, 'Robot grasping at scale', { upvotes: 40 });
    const weak = await createPaper(db, 'A small robot study', { upvotes: 1 });
    const reader = await createSubscriber(db, 'robots-e@example.org', [robots.id], { timezone: 'UTC' });
    const apiPreview = async () =>
      (await env.api.get(`/digests/preview?subscriber=${reader.id}`)).body as { subject: string; paperIds: number[] };
    expect((await apiPreview()).paperIds).toEqual([strong.id, weak.id]);

    const { secret, session } = await openConsoleSession(
      db,
      { tokenId: null, name: 'editor', scopes: ['read', 'papers'] },
      10,
    );
    const cookie = `pb_console=${secret}`;
    const pinned = await request(env.app)
      .post(`/admin/papers/${weak.id}/pin`)
      .set('Cookie', cookie)
      .type('form')
      .send({ _csrf: session.csrfToken });
    expect(pinned.status).toBe(303);
    expect((await apiPreview()).paperIds).toEqual([weak.id, strong.id]);
    const consolePreview = await request(env.app)
      .get(`/admin/digests/preview?subscriber=${reader.id}`)
      .set('Cookie', cookie);
    expect(consolePreview.text).toMatch(
      /<h2>A small robot study[^<]*<\/h2>\s*<ul><li><strong>Robots<\/strong><ul><li>A small robot study /,
    );

    const unpinned = await env.api.post(`/papers/${weak.id}/unpin`);
    expect(unpinned.body).toMatchObject({ id: weak.id, pinnedUntil: null });
    expect((await apiPreview()).paperIds).toEqual([strong.id, weak.id]);

    const past = await env.api.post(`/papers/${weak.id}/pin`).send({ until: '2020-01-01T00:00:00Z' });
    expect(past.status).toBe(400);
    expect(past.body.error.message).toContain('until');
    const until = new Date(Date.now() + 3 * DAY).toISOString();
    const viaApi = await env.api.post(`/papers/${weak.id}/pin`).send({ until });
    expect(viaApi.status).toBe(200);
    expect(viaApi.body.pinnedUntil).toBe(until);

    const result = await planPeriod(env.ctx, currentPeriod('UTC'), { due: { kind: 'all' } });
    const delivery = await db.delivery.findFirstOrThrow({
      where: { digestId: result.digestId, subscriberId: reader.id },
    });
    expect(delivery.paperIds).toEqual([weak.id, strong.id]);
    const planned = await apiPreview();
    expect(planned.paperIds).toEqual([weak.id, strong.id]);
    expect(planned.subject.startsWith('A small robot study')).toBe(true);
  });
});
