// The archive's editions against the real planner: for each period, the
// papers of a reader who follows only the list, planned at the period's
// 00:00 UTC, are the edition's, in the same order. Also which periods have
// an edition, and paging by cursor. Real Postgres, no mocks.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createArchive,
  editionPeriod,
  editionWindow,
  isArchivePeriod,
  latestPeriod,
  shiftPeriod,
} from '../../src/digest/archive.js';
import { findArchiveList, findArchiveLists, findPaperPeriods } from '../../src/digest/archive-repo.js';
import { planPeriod } from '../../src/digest/planner.js';
import { sectionPaperIds } from '../../src/digest/reader-digest.js';
import { createTestEnv, type TestEnv } from '../helpers/context.js';
import { createList, createPaper, createSubscriber } from './fixtures.js';

const HOUR = 3_600_000;
const now = new Date();
const today = latestPeriod(now);
const day = (back: number) => shiftPeriod(today, -back);
/** An instant inside period P's window (the day before P, UTC). */
const seenFor = (period: string, hour = 12) => new Date(editionWindow(period).start.getTime() + hour * HOUR);

describe('editions and windows', () => {
  it('puts an instant in the period whose window (P-1 00:00Z, P 00:00Z] holds it', () => {
    expect(editionWindow('2026-11-12')).toEqual({
      start: new Date('2026-11-11T00:00:00Z'),
      end: new Date('2026-11-12T00:00:00Z'),
    });
    expect(editionPeriod(new Date('2026-11-11T00:00:00.001Z'))).toBe('2026-11-12');
    expect(editionPeriod(new Date('2026-11-12T00:00:00.000Z'))).toBe('2026-11-12');
    expect(editionPeriod(new Date('2026-11-12T00:00:00.001Z'))).toBe('2026-11-13');
    expect(isArchivePeriod(today, now)).toBe(true);
    expect(isArchivePeriod(shiftPeriod(today, 1), now)).toBe(false);
    expect(isArchivePeriod('2026-02-30', now)).toBe(false);
    expect(isArchivePeriod('yesterday', now)).toBe(false);
  });
});

describe('the public archive over Postgres', () => {
  let env: TestEnv;

  beforeAll(async () => {
    env = await createTestEnv();
    const db = env.ctx.db;
    const attention = await createList(db, {
      slug: 'attention',
      name: 'Attention',
      keywords: ['attention'],
      maxPapers: 4,
    });
    await db.list.update({ where: { id: attention.id }, data: { exclude: ['survey'] } });
    await createList(db, { slug: 'diffusion', name: 'Diffusion', keywords: ['diffusion'] });
    await db.list.create({ data: { slug: 'staff', name: 'Staff', public: false } });
    await createSubscriber(db, 'ada@example.org', [attention.id], { timezone: 'UTC', sendHour: 0 });

    // Three periods: a mixed one, a small one, and one with more matches than the list's cap.
    await createPaper(db, 'Attention is cheap', { upvotes: 5, firstSeenAt: seenFor(day(2), 3) });
    await createPaper(db, 'Sparse attention at scale', { upvotes: 40, firstSeenAt: seenFor(day(2), 20) });
    await createPaper(db, 'A survey of attention', { upvotes: 90, firstSeenAt: seenFor(day(2)) });
    await createPaper(db, 'Hidden attention', { upvotes: 99, firstSeenAt: seenFor(day(2)), hidden: true });
    await createPaper(db, 'Convolutions only', { upvotes: 70, firstSeenAt: seenFor(day(2)) });
    await createPaper(db, 'Linear attention', { upvotes: 2, firstSeenAt: seenFor(day(1), 0.5) });
    await createPaper(db, 'Cross attention', {
      abstract: 'We study cross attention.',
      upvotes: 8,
      firstSeenAt: seenFor(day(1), 23.9),
    });
    for (let i = 0; i < 7; i++)
      await createPaper(db, `Attention variant ${i}`, { upvotes: i * 3, firstSeenAt: seenFor(today, i + 1) });
    // Diffusion: one paper on each of 9 periods, from 20 to 12 days back; nothing in between matches.
    for (let back = 12; back <= 20; back++)
      await createPaper(db, `Diffusion day ${back}`, { upvotes: back, firstSeenAt: seenFor(day(back)) });
    // Not yet in any edition: first seen today, after today's window closed.
    await createPaper(db, 'Attention after midnight', {
      upvotes: 100,
      firstSeenAt: new Date(editionWindow(today).end.getTime() + 1),
    });
  });
  afterAll(() => env?.cleanup());

  it('lists the public lists only', async () => {
    expect((await findArchiveLists(env.ctx.db)).map((l) => l.slug)).toEqual(['attention', 'diffusion']);
    expect(await findArchiveList(env.ctx.db, 'staff')).toBeNull();
    expect(await findArchiveList(env.ctx.db, 'nope')).toBeNull();
  });

  it("gives each period the papers a reader of only that list was planned, in the planner's order", async () => {
    const list = (await findArchiveList(env.ctx.db, 'attention'))!;
    const archive = createArchive({ db: env.ctx.db, now });
    const ada = await env.ctx.db.subscriber.findUniqueOrThrow({ where: { email: 'ada@example.org' } });
    for (const period of [day(2), day(1), today]) {
      const plan = await planPeriod(env.ctx, period, { due: { kind: 'all' }, now: editionWindow(period).end });
      const delivery = await env.ctx.db.delivery.findFirstOrThrow({
        where: { digestId: plan.digestId, subscriberId: ada.id },
      });
      const edition = await archive.edition(list, period);
      expect(edition, period).not.toBeNull();
      expect(sectionPaperIds(edition!.sections), period).toEqual(delivery.paperIds);
      expect(edition!.paperCount).toBe(delivery.paperIds.length);
    }
    const titles = async (period: string) => {
      const edition = await archive.edition(list, period);
      return sectionPaperIds(edition!.sections).map((id) => edition!.papers.get(id)!.title);
    };
    // Excluded and hidden papers stay out; the cap (maxPapers 4) holds; the best ranked lead.
    expect(await titles(day(2))).toEqual(['Sparse attention at scale', 'Attention is cheap']);
    expect(await titles(day(1))).toEqual(['Cross attention', 'Linear attention']);
    expect(await titles(today)).toEqual([
      'Attention variant 6',
      'Attention variant 5',
      'Attention variant 4',
      'Attention variant 3',
    ]);
  });

  it('has no edition for a period where the list took nothing, before the oldest paper, or in the future', async () => {
    const list = (await findArchiveList(env.ctx.db, 'attention'))!;
    const archive = createArchive({ db: env.ctx.db, now });
    expect(await archive.edition(list, day(3))).toBeNull();
    expect(await archive.edition(list, day(400))).toBeNull();
    expect(await archive.edition(list, shiftPeriod(today, 1))).toBeNull();
    expect(await archive.edition(list, 'not-a-date')).toBeNull();
  });

  it('finds the periods holding papers in SQL, skipping gaps, in either direction', async () => {
    const periods = async (query: { before?: string; after?: string; limit: number }) =>
      (await findPaperPeriods(env.ctx.db, { until: today, ...query })).map((p) => p.period);
    expect(await periods({ limit: 100 })).toEqual([
      today,
      day(1),
      day(2),
      ...Array.from({ length: 9 }, (_, i) => day(12 + i)),
    ]);
    expect(await periods({ before: day(1), limit: 2 })).toEqual([day(2), day(12)]);
    expect(await periods({ after: day(12), limit: 3 })).toEqual([day(2), day(1), today]);
    // The hidden paper (99 upvotes) counts for nothing.
    expect((await findPaperPeriods(env.ctx.db, { until: today, after: day(3), limit: 1 }))[0]).toMatchObject({
      period: day(2),
      topUpvotes: 90,
    });
  });

  it('pages editions newest first by cursor, with newer and older flags', async () => {
    const list = (await findArchiveList(env.ctx.db, 'diffusion'))!;
    const archive = createArchive({ db: env.ctx.db, now });
    const first = await archive.editions(list, { limit: 4 });
    expect(first.editions.map((e) => e.period)).toEqual([day(12), day(13), day(14), day(15)]);
    expect(first).toMatchObject({ newer: false, older: true });
    const second = await archive.editions(list, { before: day(15), limit: 4 });
    expect(second.editions.map((e) => e.period)).toEqual([day(16), day(17), day(18), day(19)]);
    expect(second).toMatchObject({ newer: true, older: true });
    const last = await archive.editions(list, { before: day(19), limit: 4 });
    expect(last.editions.map((e) => e.period)).toEqual([day(20)]);
    expect(last).toMatchObject({ newer: true, older: false });
    const back = await archive.editions(list, { after: day(20), limit: 4 });
    expect(back.editions.map((e) => e.period)).toEqual([day(16), day(17), day(18), day(19)]);
    expect(back).toMatchObject({ newer: true, older: true });
    expect(await archive.latest(list)).toMatchObject({ period: day(12), paperCount: 1 });
  });

  it('remembers periods without an edition, yet sees a changed paper or rule at once', async () => {
    const db = env.ctx.db;
    const periods = async () => {
      const list = (await findArchiveList(db, 'diffusion'))!;
      return (await createArchive({ db, now }).editions(list, { limit: 20 })).editions.map((e) => e.period);
    };
    const before = await periods();
    expect(before[0]).toBe(day(12));
    await db.paper.updateMany({ where: { title: 'Linear attention' }, data: { title: 'Linear diffusion' } });
    expect(await periods()).toEqual([day(1), ...before]);
    await db.paper.updateMany({ where: { title: 'Linear diffusion' }, data: { title: 'Linear attention' } });
    expect(await periods()).toEqual(before);
    await db.list.update({ where: { slug: 'diffusion' }, data: { keywords: ['diffusion', 'cross attention'] } });
    expect(await periods()).toEqual([day(1), ...before]);
  });

  it('remembers planned editions, yet shows a changed upvote, hidden paper or rule at once', async () => {
    const db = env.ctx.db;
    // Each page from a new archive (a new request), compared with an edition planned afresh from the papers.
    const page = async () => {
      const list = (await findArchiveList(db, 'attention'))!;
      const archive = createArchive({ db, now });
      const { editions } = await archive.editions(list, { limit: 10 });
      for (const edition of editions)
        expect(edition.sections, edition.period).toEqual((await archive.edition(list, edition.period))!.sections);
      return new Map(editions.map((e) => [e.period, sectionPaperIds(e.sections).map((id) => e.papers.get(id)!.title)]));
    };
    const before = await page();
    expect(before.get(day(2))).toEqual(['Sparse attention at scale', 'Attention is cheap']);
    try {
      await db.paper.updateMany({ where: { title: 'Attention is cheap' }, data: { upvotes: 500 } });
      expect((await page()).get(day(2))).toEqual(['Attention is cheap', 'Sparse attention at scale']);
      await db.paper.updateMany({ where: { title: 'Attention is cheap' }, data: { hidden: true } });
      expect((await page()).get(day(2))).toEqual(['Sparse attention at scale']);
      await db.list.update({ where: { slug: 'attention' }, data: { maxPapers: 1 } });
      expect([...(await page()).values()].map((titles) => titles.length)).toEqual([1, 1, 1]);
    } finally {
      await db.paper.updateMany({ where: { title: 'Attention is cheap' }, data: { upvotes: 5, hidden: false } });
      await db.list.update({ where: { slug: 'attention' }, data: { maxPapers: 4 } });
    }
    expect(await page()).toEqual(before);
  });

  it('skips periods whose papers all have fewer upvotes than the list asks, and sees one rise at once', async () => {
    const db = env.ctx.db;
    await createList(db, { slug: 'upvoted', name: 'Upvoted attention', keywords: ['attention'], minUpvotes: 40 });
    const periods = async () => {
      const list = (await findArchiveList(db, 'upvoted'))!;
      const archive = createArchive({ db, now });
      const { editions } = await archive.editions(list, { limit: 10 });
      for (const edition of editions)
        expect(edition.sections, edition.period).toEqual((await archive.edition(list, edition.period))!.sections);
      expect(await archive.edition(list, day(1))).toEqual(editions.find((e) => e.period === day(1)) ?? null);
      return editions.map((e) => [e.period, sectionPaperIds(e.sections).map((id) => e.papers.get(id)!.title)]);
    };
    try {
      expect(await periods()).toEqual([[day(2), ['A survey of attention', 'Sparse attention at scale']]]);
      await db.paper.updateMany({ where: { title: 'Linear attention' }, data: { upvotes: 60 } });
      expect(await periods()).toEqual([
        [day(1), ['Linear attention']],
        [day(2), ['A survey of attention', 'Sparse attention at scale']],
      ]);
    } finally {
      await db.paper.updateMany({ where: { title: 'Linear attention' }, data: { upvotes: 2 } });
      await db.list.delete({ where: { slug: 'upvoted' } });
    }
  });
});
