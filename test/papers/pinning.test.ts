// Pinning: the ids pinned now (not expired, not hidden), and the ranking
// hook that puts them first without adding or dropping anything.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setPaperPinned } from '../../src/admin/paper-admin.js';
import { findPinnedPaperIds, pinFirst } from '../../src/papers/pinning.js';
import { createTestEnv, type TestEnv } from '../helpers/context.js';

let env: TestEnv;
beforeAll(async () => {
  env = await createTestEnv();
});
afterAll(() => env.cleanup());

describe('pinning', () => {
  it('finds papers pinned until a later time, but not expired or hidden ones', async () => {
    const now = new Date('2026-06-01T12:00:00Z');
    const [live, expired, hidden, plain] = await Promise.all(
      ['live', 'expired', 'hidden', 'plain'].map((key) =>
        env.ctx.db.paper.create({ data: { key, title: key, source: 'admin', hidden: key === 'hidden' } }),
      ),
    );
    await setPaperPinned(env.ctx.db, live!.id, new Date('2026-06-08T12:00:00Z'));
    await setPaperPinned(env.ctx.db, expired!.id, new Date('2026-05-31T12:00:00Z'));
    await setPaperPinned(env.ctx.db, hidden!.id, new Date('2026-06-08T12:00:00Z'));
    expect([...(await findPinnedPaperIds(env.ctx.db, now))]).toEqual([live!.id]);
    expect(await setPaperPinned(env.ctx.db, live!.id, null)).toMatchObject({ id: live!.id, pinnedUntil: null });
    expect(await findPinnedPaperIds(env.ctx.db, now)).toEqual(new Set());
    expect(await setPaperPinned(env.ctx.db, plain!.id + 1000, null)).toBeNull();
  });

  it('moves pinned items first and keeps the ranking within each group', () => {
    const ranked = [1, 2, 3, 4, 5].map((paperId) => ({ paperId }));
    const idOf = (c: { paperId: number }) => c.paperId;
    expect(pinFirst(ranked, new Set([4, 2]), idOf).map(idOf)).toEqual([2, 4, 1, 3, 5]);
    expect(pinFirst(ranked, new Set([9]), idOf).map(idOf)).toEqual([1, 2, 3, 4, 5]);
    expect(pinFirst(ranked, new Set(), idOf)).toEqual(ranked);
  });
});
