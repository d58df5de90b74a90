// The sender's hot statements run on the pg pool under Prisma, or through
// Prisma inside a transaction: both must read the same rows the same way.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { claimBatch, findBatchPaperIds, findRecipients, markSent } from '../../src/digest/delivery-repo.js';
import { createTestEnv, type TestEnv } from '../helpers/context.js';
import { createList, createSubscriber } from './fixtures.js';

let env: TestEnv;
beforeAll(async () => {
  env = await createTestEnv();
});
afterAll(() => env.cleanup());

const zone = process.env.TZ;
afterEach(() => {
  if (zone === undefined) delete process.env.TZ;
  else process.env.TZ = zone;
});

describe('findRecipients', () => {
  it('gives each reader its confirmed lists in order, its schedule and interests, and whether a digest was sent yet', async () => {
    const db = env.ctx.db;
    const [a, b, c] = [
      await createList(db, { slug: 'r-a' }),
      await createList(db, { slug: 'r-b' }),
      await createList(db, { slug: 'r-c' }),
    ];
    const ada = await createSubscriber(db, 'ada@recipients.test', [c.id, a.id], {
      timezone: 'Europe/Paris',
      sendHour: 9,
      frequency: 'weekly',
      weekday: 3,
    });
    await db.subscription.create({ data: { subscriberId: ada.id, listId: b.id, confirmedAt: null } });
    await db.subscriber.update({
      where: { id: ada.id },
      data: { interestInclude: ['diffusion'], interestAuthors: ['Ada Lovelace'] },
    });
    const bob = await createSubscriber(db, 'bob@recipients.test', [b.id]);
    const erased = await db.subscriber.create({ data: { email: null, status: 'unsubscribed' } });
    const digest = await db.digest.create({ data: { period: '2026-01-02', status: 'sending' } });
    await db.delivery.create({
      data: { digestId: digest.id, subscriberId: bob.id, messageId: '<sent@recipients.test>', status: 'sent' },
    });
    await db.delivery.create({
      data: {
        digestId: (await db.digest.create({ data: { period: '2026-01-03' } })).id,
        subscriberId: ada.id,
        messageId: '<failed@recipients.test>',
        status: 'failed',
      },
    });

    const expected = [
      {
        id: ada.id,
        email: 'ada@recipients.test',
        status: 'active',
        frequency: 'weekly',
        weekday: 3,
        sendHour: 9,
        timezone: 'Europe/Paris',
        interestInclude: ['diffusion'],
        interestExclude: [],
        interestCategories: [],
        interestAuthors: ['Ada Lovelace'],
        listIds: [a.id, c.id],
        first: true,
      },
      { id: bob.id, email: 'bob@recipients.test', status: 'active', frequency: 'daily', listIds: [b.id], first: false },
      { id: erased.id, email: null, status: 'unsubscribed', listIds: [], first: true },
    ];
    const byId = (rows: Array<{ id: number }>) => [...rows].sort((x, y) => x.id - y.id);
    const ids = [erased.id, bob.id, ada.id, ada.id + 10_000];
    expect(byId(await findRecipients(db, ids))).toMatchObject(expected);
    expect(byId(await db.$transaction((tx) => findRecipients(tx, ids)))).toMatchObject(expected);
    expect(await findRecipients(db, [])).toEqual([]);
  });
});

describe('claimBatch', () => {
  it('returns the planned window end as stored, on either client and in any local time zone', async () => {
    const db = env.ctx.db;
    const reader = await createSubscriber(db, 'claim@recipients.test', []);
    const digest = await db.digest.create({ data: { period: '2026-02-01', status: 'sending' } });
    const createdAt = new Date('2026-02-01T06:30:15.250Z');
    const layout = { sections: [{ key: 1, paperIds: [7, 8] }], moreIds: [], moreCount: 0 };
    const row = { digestId: digest.id, subscriberId: reader.id, batch: 1, paperIds: [7, 8], layout, createdAt };
    const first = await db.delivery.create({ data: { ...row, messageId: '<claim-1@recipients.test>' } });
    await db.delivery.create({ data: { ...row, subscriberId: null, messageId: '<claim-2@recipients.test>' } });

    process.env.TZ = 'America/New_York';
    const [claimed] = await claimBatch(db, digest.id, 1, 60, { limit: 1 });
    expect(claimed).toEqual({
      id: first.id,
      subscriberId: reader.id,
      messageId: '<claim-1@recipients.test>',
      paperIds: [7, 8],
      layout,
      attempts: 1,
      createdAt,
    });
    const [inTransaction] = await db.$transaction((tx) => claimBatch(tx, digest.id, 1, 60));
    expect(inTransaction).toMatchObject({ subscriberId: null, attempts: 1, createdAt });
    expect(await claimBatch(db, digest.id, 1, 60)).toEqual([]);

    await markSent(db, digest.id, [{ id: first.id, response: '250 OK' }]);
    expect(await db.delivery.findUniqueOrThrow({ where: { id: first.id } })).toMatchObject({
      status: 'sent',
      smtpResponse: '250 OK',
    });
    expect(await db.digest.findUniqueOrThrow({ where: { id: digest.id } })).toMatchObject({ sent: 1 });
  });
});

describe('findBatchPaperIds', () => {
  it('gives each paper the batch still has to send once, and none of other batches or finished rows', async () => {
    const db = env.ctx.db;
    const reader = await createSubscriber(db, 'papers@recipients.test', []);
    const digest = await db.digest.create({ data: { period: '2026-03-01', status: 'sending' } });
    const row = (n: number, batch: number, paperIds: number[], status: 'pending' | 'sending' | 'sent' = 'pending') =>
      db.delivery.create({
        data: {
          digestId: digest.id,
          subscriberId: n === 1 ? reader.id : null,
          batch,
          paperIds,
          status,
          messageId: `<papers-${n}@recipients.test>`,
        },
      });
    await row(1, 1, [3, 1]);
    await row(2, 1, [1, 2], 'sending');
    await row(3, 1, [9], 'sent');
    await row(4, 2, [5]);
    expect((await findBatchPaperIds(db, digest.id, 1)).sort((a, b) => a - b)).toEqual([1, 2, 3]);
    expect(await findBatchPaperIds(db, digest.id, 3)).toEqual([]);
  });
});
