// The planner's view of ratings: every reader's likes and dislikes at once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRatings, upsertRating } from '../../src/digest/rating-repo.js';
import { createTestEnv, type TestEnv } from '../helpers/context.js';

let env: TestEnv;
beforeAll(async () => {
  env = await createTestEnv();
});
afterAll(() => env.cleanup());

describe('loadRatings', () => {
  it("returns each reader's liked and disliked papers, latest first, without hidden papers", async () => {
    const db = env.ctx.db;
    const [a, b, c] = await Promise.all(
      ['a', 'b', 'c'].map((n) => db.subscriber.create({ data: { email: `${n}@example.org`, status: 'active' } })),
    );
    const paper = (n: number, hidden = false) =>
      db.paper.create({ data: { key: `2501.1000${n}`, title: `Paper ${n}`, source: 'admin', hidden } });
    const [p1, p2, p3, p4] = [await paper(1), await paper(2), await paper(3), await paper(4, true)];
    const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 0, minute));
    await upsertRating(db, { subscriberId: a!.id, paperId: p1.id, vote: 'up', listIds: [] }, at(1));
    await upsertRating(db, { subscriberId: a!.id, paperId: p2.id, vote: 'up', listIds: [] }, at(2));
    await upsertRating(db, { subscriberId: a!.id, paperId: p3.id, vote: 'down', listIds: [] }, at(3));
    await upsertRating(db, { subscriberId: a!.id, paperId: p4.id, vote: 'up', listIds: [] }, at(4));
    await upsertRating(db, { subscriberId: b!.id, paperId: p1.id, vote: 'up', listIds: [] }, at(1));
    await upsertRating(db, { subscriberId: b!.id, paperId: p1.id, vote: 'down', listIds: [] }, at(5));

    const ratings = await loadRatings(db, [a!.id, b!.id, c!.id]);
    expect([...ratings.keys()].sort()).toEqual([a!.id, b!.id].sort());
    expect(ratings.get(a!.id)).toEqual({ liked: [p2.id, p1.id], disliked: [p3.id] });
    expect(ratings.get(b!.id)).toEqual({ liked: [], disliked: [p1.id] });
    expect(await loadRatings(db, [])).toEqual(new Map());
  });

  it('stores nothing for a reader who was erased', async () => {
    const db = env.ctx.db;
    const erased = await db.subscriber.create({ data: { email: null, status: 'unsubscribed' } });
    const p = await db.paper.findFirstOrThrow();
    expect(await upsertRating(db, { subscriberId: erased.id, paperId: p.id, vote: 'up', listIds: [] })).toBe(false);
    expect(await upsertRating(db, { subscriberId: erased.id + 999, paperId: p.id, vote: 'up', listIds: [] })).toBe(
      false,
    );
    expect(await db.rating.count({ where: { subscriberId: erased.id } })).toBe(0);
  });
});
