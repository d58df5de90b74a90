import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planDueDigests } from '../../src/digest/tick.js';
import { createTestEnv, type TestEnv } from '../helpers/context.js';
import { createList, createPaper, createSubscriber } from './fixtures.js';

describe('the hourly tick plans subscribers whose send hour has come in their own time zone', () => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await createTestEnv();
  });
  afterAll(async () => {
    await env?.cleanup();
  });

  it('plans Tokyo (send hour 7) at 22:00 UTC the day before, others when their hour comes, each once', async () => {
    const db = env.ctx.db;
    const list = await createList(db, { slug: 'trending', name: 'Trending' });
    const at = (iso: string) => new Date(iso);
    await createPaper(db, 'Seen the evening before', { upvotes: 3, firstSeenAt: at('2026-11-11T12:00:00Z') });
    const tokyo = await createSubscriber(db, 'tokyo@example.org', [list.id], { timezone: 'Asia/Tokyo', sendHour: 7 });
    const london = await createSubscriber(db, 'london@example.org', [list.id], {
      timezone: 'Europe/London',
      sendHour: 23,
    });
    const weeklyTokyoThu = await createSubscriber(db, 'weekly-thu@example.org', [list.id], {
      timezone: 'Asia/Tokyo',
      sendHour: 6,
      frequency: 'weekly',
      weekday: 4,
    });
    await createSubscriber(db, 'weekly-fri@example.org', [list.id], {
      timezone: 'Asia/Tokyo',
      sendHour: 6,
      frequency: 'weekly',
      weekday: 5,
    });

    const deps = { db, config: env.config, logger: env.ctx.logger };
    const early = await planDueDigests(deps, at('2026-11-11T21:00:00Z'), { asOf: at('2026-11-11T21:00:00Z') });
    // 06:00 in Tokyo on Thursday: only the weekly Thursday reader (send hour 6) is due.
    expect(early.flatMap((r) => (r.planned ? [[r.period, r.planned]] : []))).toEqual([['2026-11-12', 1]]);

    const tick = at('2026-11-11T22:00:00Z');
    const results = await planDueDigests(deps, tick, { asOf: tick });
    const byPeriod = Object.fromEntries(results.map((r) => [r.period, r.planned]));
    expect(byPeriod).toEqual({ '2026-11-12': 1, '2026-11-11': 0 });
    const deliveries = await db.delivery.findMany({ include: { digest: true } });
    expect(deliveries.map((d) => [d.subscriberId, d.digest.period]).sort()).toEqual(
      [
        [tokyo.id, '2026-11-12'],
        [weeklyTokyoThu.id, '2026-11-12'],
      ].sort(),
    );
    // The next tick finds Tokyo already planned; London's hour (23:00 GMT) comes at 23:00 UTC.
    const later = await planDueDigests(deps, at('2026-11-11T23:00:00Z'), { asOf: at('2026-11-11T23:00:00Z') });
    expect(Object.fromEntries(later.map((r) => [r.period, r.planned]))).toEqual({ '2026-11-12': 0, '2026-11-11': 1 });
    const londonDelivery = await db.delivery.findFirstOrThrow({
      where: { subscriberId: london.id },
      include: { digest: true },
    });
    expect(londonDelivery.digest.period).toBe('2026-11-11');
    expect(londonDelivery.paperIds).toHaveLength(1);
  });
});
