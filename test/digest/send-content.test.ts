import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planPeriod } from '../../src/digest/planner.js';
import { createSendContentCache } from '../../src/digest/send-content.js';
import { createTestEnv, type TestEnv } from '../helpers/context.js';
import { createList, createPaper, createSubscriber } from './fixtures.js';

describe("a worker's batches share one load of a digest's content", () => {
  let env: TestEnv;
  let plan: Awaited<ReturnType<typeof planPeriod>>;
  let paperIds: number[];

  beforeAll(async () => {
    env = await createTestEnv({ DIGEST_BATCH_SIZE: '1' });
    const db = env.ctx.db;
    const list = await createList(db, { slug: 'attention', name: 'Attention', keywords: ['attention'] });
    paperIds = [
      (await createPaper(db, 'Sparse attention', { upvotes: 9 })).id,
      (await createPaper(db, 'Linear attention', { upvotes: 5 })).id,
    ];
    await createSubscriber(db, 'ada@example.org', [list.id]);
    await createSubscriber(db, 'bob@example.org', [list.id]);
    plan = await planPeriod(env.ctx, '2026-11-12', { due: { kind: 'all' } });
  });
  afterAll(async () => {
    await env?.cleanup();
  });

  it('reuses a load within its age, then loads afresh and sees what changed', async () => {
    const db = env.ctx.db;
    let now = 0;
    const cache = createSendContentCache(30_000, () => now);
    expect(plan.batches).toHaveLength(2);
    const [first, second] = plan.batches as [number, number];

    const content = await cache.get(db, plan.digestId, first);
    expect(content.period).toBe('2026-11-12');
    expect([...content.papers.keys()].sort()).toEqual([...paperIds].sort());
    const matcher = content.matcherFor(plan.asOf, paperIds);
    expect(paperIds.every((id) => matcher.paper(id))).toBe(true);
    // Same instant, same papers: the matcher (its folded text and phrase matches) is reused.
    expect(content.matcherFor(plan.asOf, paperIds)).toBe(matcher);

    await db.paper.update({ where: { id: paperIds[0] }, data: { hidden: true } });
    now = 29_999;
    expect(await cache.get(db, plan.digestId, second)).toBe(content);

    now = 30_000;
    const fresh = await cache.get(db, plan.digestId, second);
    expect(fresh).not.toBe(content);
    expect(fresh.papers.get(paperIds[0]!)?.hidden).toBe(true);
    expect(fresh.matcherFor(plan.asOf, paperIds).paper(paperIds[0]!)).toBeUndefined();
  });

  it('with no age to share, every batch loads its own, and a paper it lacks is loaded on demand', async () => {
    const db = env.ctx.db;
    const cache = createSendContentCache(0);
    const a = await cache.get(db, plan.digestId, plan.batches[0]!);
    expect(await cache.get(db, plan.digestId, plan.batches[0]!)).not.toBe(a);
    const before = a.matcherFor(plan.asOf, paperIds);
    const late = await createPaper(db, 'Attention, later', { upvotes: 1 });
    await a.addPapers([late.id, 0]);
    expect(a.papers.get(late.id)?.title).toBe('Attention, later');
    // A matcher built before the paper arrived is rebuilt for an email that carries it.
    const after = a.matcherFor(plan.asOf, [late.id]);
    expect(after).not.toBe(before);
    expect(after.paper(late.id)).toBeDefined();
    await expect(cache.get(db, 999_999, 1)).rejects.toThrow('digest 999999 not found');
  });
});
