// Per-reader matching and ranking, planned by planPeriod on real Postgres.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseLayout } from '../../src/digest/content.js';
import { loadDeliveryView, previewDigest } from '../../src/digest/digest-service.js';
import { planPeriod } from '../../src/digest/planner.js';
import { createTestEnv, type TestEnv } from '../helpers/context.js';
import { createList, createPaper, createSubscriber } from './fixtures.js';

const now = new Date('2026-11-12T07:00:00Z');
const hoursAgo = (h: number, from = now) => new Date(from.getTime() - h * 3600_000);
const DAY = 86_400_000;

describe('what each reader gets, planned on Postgres', () => {
  let env: TestEnv;
  let period = 0;
  const nextPeriod = () => `2026-10-${String(++period).padStart(2, '0')}`;

  beforeAll(async () => {
    env = await createTestEnv();
  });
  afterAll(async () => {
    await env?.cleanup();
  });

  /** Plans a fresh period for everyone due at `at` and returns each reader's delivery. */
  async function plan(at: Date) {
    const result = await planPeriod(env.ctx, nextPeriod(), { due: { kind: 'all' }, now: at });
    const rows = await env.ctx.db.delivery.findMany({ where: { digestId: result.digestId } });
    return new Map(rows.map((r) => [r.subscriberId!, r]));
  }
  /** Marks every pending delivery sent, as the sender would. */
  const markSent = () =>
    env.ctx.db.delivery.updateMany({ where: { status: 'pending' }, data: { status: 'sent', sentAt: new Date() } });

  it('interests feed "For you": stemmed phrases, categories, authors regardless of accents; exclusions apply everywhere', async () => {
    const db = env.ctx.db;
    const trending = await createList(db, { slug: 'trending-a', name: 'Trending' });
    const diffusion = await createPaper(db, 'Latent Diffusion Models for Video', {
      upvotes: 3,
      firstSeenAt: hoursAgo(2),
    });
    const robot = await createPaper(db, 'Grasping in clutter', {
      upvotes: 2,
      categories: ['cs.RO'],
      firstSeenAt: hoursAgo(2),
    });
    const byAuthor = await createPaper(db, 'A quiet paper', { upvotes: 0, firstSeenAt: hoursAgo(2) });
    await db.paper.update({ where: { id: byAuthor.id }, data: { authors: ['José García-Pérez', 'Ann Smith'] } });
    const crypto = await createPaper(db, 'Crypto diffusion model markets', {
      upvotes: 90,
      abstract: 'A blockchain study.',
      firstSeenAt: hoursAgo(2),
    });
    const top = await createPaper(db, 'The most upvoted paper', { upvotes: 60, firstSeenAt: hoursAgo(2) });
    const reader = await createSubscriber(db, 'interests@example.org', [trending.id]);
    await db.subscriber.update({
      where: { id: reader.id },
      data: {
        interestInclude: ['diffusion model'],
        interestCategories: ['cs.RO'],
        interestAuthors: ['jose garcia perez'],
        interestExclude: ['blockchain'],
      },
    });
    const plain = await createSubscriber(db, 'plain@example.org', [trending.id]);

    const rows = await plan(now);
    const layout = parseLayout(rows.get(reader.id)!.layout)!;
    expect(layout.sections.map((s) => s.key)).toEqual([0, trending.id]);
    expect(layout.sections[0]!.paperIds.sort()).toEqual([diffusion.id, robot.id, byAuthor.id].sort());
    expect(rows.get(reader.id)!.paperIds).not.toContain(crypto.id);
    expect(rows.get(reader.id)!.paperIds).toContain(top.id);
    // Another reader's exclusions are not theirs.
    expect(rows.get(plain.id)!.paperIds[0]).toBe(crypto.id);

    const preview = await previewDigest(env.ctx, reader.id, `2026-10-${String(period).padStart(2, '0')}`);
    expect(preview.sections[0]).toMatchObject({ kind: 'personal', name: 'For you' });
    expect(preview.text).toContain('For you: matches “diffusion model”');
    expect(preview.text).toContain('by jose garcia perez');
    await markSent();
    await db.subscriber.deleteMany({ where: { id: { in: [reader.id, plain.id] } } });
    // The first preview compiles the MJML template: slow on a loaded machine.
  }, 60_000);

  it('Trending holds the most upvoted papers; each paper once, where it ranks best, with "also in"; a short subject', async () => {
    const db = env.ctx.db;
    const trending = await createList(db, { slug: 'trending-b', name: 'Trending', maxPapers: 3 });
    const attention = await createList(db, { slug: 'attention-b', name: 'Attention', keywords: ['attention'] });
    const at = new Date(now.getTime() + 20 * DAY);
    const star = await createPaper(
      db,
      'Attention is popular: a very long title that would not fit on any phone screen at all',
      { upvotes: 95, firstSeenAt: hoursAgo(3, at) },
    );
    const second = await createPaper(db, 'Protein folding at scale', { upvotes: 70, firstSeenAt: hoursAgo(3, at) });
    const small = await createPaper(db, 'Sparse attention in the title', { upvotes: 2, firstSeenAt: hoursAgo(3, at) });
    const weak = await createPaper(db, 'Zero votes', {
      upvotes: 0,
      abstract: 'mentions attention once',
      firstSeenAt: hoursAgo(3, at),
    });
    const reader = await createSubscriber(db, 'ranked@example.org', [trending.id, attention.id]);

    const rows = await plan(at);
    const row = rows.get(reader.id)!;
    expect(new Set(row.paperIds).size).toBe(row.paperIds.length);
    const layout = parseLayout(row.layout)!;
    // Trending leads with the period's top papers; the attention papers rank better in Attention.
    expect(layout.sections[0]).toEqual({ key: trending.id, paperIds: [star.id, second.id] });
    expect(layout.sections[1]).toEqual({ key: attention.id, paperIds: [small.id, weak.id] });

    const preview = await previewDigest(env.ctx, reader.id, `2026-10-${String(period).padStart(2, '0')}`);
    expect(preview.subject!.startsWith('Attention is popular')).toBe(true);
    expect(preview.subject!.length - ` · 2026-10-0${period}`.length).toBeLessThan(70);
    expect(preview.text).toContain('also in Attention');
    await markSent();
    await db.subscriber.delete({ where: { id: reader.id } });
  });

  it('weekly readers rank by the week’s upvotes, not by freshness', async () => {
    const db = env.ctx.db;
    const trending = await createList(db, { slug: 'trending-c', name: 'Trending' });
    const at = new Date(now.getTime() + 40 * DAY);
    const weekday = new Date(`2026-10-${String(period + 1).padStart(2, '0')}T12:00:00Z`).getUTCDay();
    const old = await createPaper(db, 'Voted all week', { upvotes: 100, firstSeenAt: hoursAgo(6 * 24, at) });
    const fresh = await createPaper(db, 'Fresh this morning', { upvotes: 8, firstSeenAt: hoursAgo(1, at) });
    const reader = await createSubscriber(db, 'weekly@example.org', [trending.id], { frequency: 'weekly', weekday });
    const rows = await plan(at);
    expect(rows.get(reader.id)!.paperIds.slice(0, 2)).toEqual([old.id, fresh.id]);
    await markSent();
    await db.subscriber.delete({ where: { id: reader.id } });
  });

  it('eligibility is per reader: a paper that crosses minUpvotes late still arrives, once', async () => {
    const db = env.ctx.db;
    const popular = await createList(db, { slug: 'popular-d', name: 'Popular', keywords: ['robot'], minUpvotes: 5 });
    const at = new Date(now.getTime() + 60 * DAY);
    const late = await createPaper(db, 'Robot learning that matures slowly', {
      upvotes: 2,
      firstSeenAt: hoursAgo(2, at),
    });
    const early = await createPaper(db, 'Robot paper popular at once', { upvotes: 9, firstSeenAt: hoursAgo(2, at) });
    const reader = await createSubscriber(db, 'late@example.org', [popular.id]);

    const day1 = await plan(at);
    expect(day1.get(reader.id)!.paperIds).toEqual([early.id]);
    await markSent();
    await db.paper.update({ where: { id: late.id }, data: { upvotes: 7 } });
    const day2 = await plan(new Date(at.getTime() + 2 * DAY));
    expect(day2.get(reader.id)!.paperIds).toEqual([late.id]);
    await markSent();
    const day3 = await plan(new Date(at.getTime() + 3 * DAY));
    expect(day3.get(reader.id)).toMatchObject({ status: 'skipped', paperIds: [] });
    // Papers of a failed delivery never reached the reader: eligible again.
    await db.delivery.updateMany({
      where: { subscriberId: reader.id, paperIds: { has: late.id } },
      data: { status: 'failed' },
    });
    const day4 = await plan(new Date(at.getTime() + 4 * DAY));
    expect(day4.get(reader.id)!.paperIds).toEqual([late.id]);
    await markSent();
    await db.subscriber.delete({ where: { id: reader.id } });
  });

  it('papersPerEmail caps the email; moreCount counts the rest, and the web view shows them all', async () => {
    const db = env.ctx.db;
    const many = await createList(db, {
      slug: 'many-e',
      name: 'Transformers',
      keywords: ['transformer'],
      maxPapers: 50,
    });
    const at = new Date(now.getTime() + 80 * DAY);
    const papers = [];
    for (let i = 0; i < 12; i++)
      papers.push(await createPaper(db, `Transformer number ${i}`, { upvotes: 50 - i, firstSeenAt: hoursAgo(2, at) }));
    const reader = await createSubscriber(db, 'five@example.org', [many.id]);
    await db.subscriber.update({ where: { id: reader.id }, data: { papersPerEmail: 5 } });
    const row = (await plan(at)).get(reader.id)!;
    expect(row.paperIds).toEqual(papers.slice(0, 5).map((p) => p.id));
    const layout = parseLayout(row.layout)!;
    expect(layout.moreCount).toBe(7);
    expect(layout.moreIds).toEqual(papers.slice(5).map((p) => p.id));

    const preview = await previewDigest(env.ctx, reader.id, `2026-10-${String(period).padStart(2, '0')}`);
    expect(preview.moreCount).toBe(7);
    expect(preview.html).toContain('7 more papers matched');
    const view = await loadDeliveryView(env.ctx, row.id, reader.id);
    const shown = [view!.view.lead!, ...view!.view.sections.flatMap((s) => s.cards)].map((c) => c.paper.title);
    for (const paper of papers) expect(shown).toContain(paper.title);
  });
});
