// The wired digest: plan and send jobs as the worker runs them, the learned
// recommender in planning, and working feedback links on every card.
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/http/app.js';
import { currentPeriod } from '../../src/digest/period.js';
import { upsertRating } from '../../src/digest/rating-repo.js';
import { createDigestPlanProcessor, createDigestSendProcessor } from '../../src/jobs/digest-jobs.js';
import { createTestEnv, type TestEnv } from '../helpers/context.js';
import { createList, createPaper, createSubscriber, fakeJob } from './fixtures.js';

const daysAgo = (d: number) => new Date(Date.now() - d * 86_400_000);

describe('a digest planned and sent by the jobs, with recommendations and feedback links', () => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await createTestEnv();
  });
  afterAll(async () => {
    await env?.cleanup();
  });

  it('a reader with 3 likes gets "Recommended for you"; each card’s "More like this" link records a rating', async () => {
    const db = env.ctx.db;
    const list = await createList(db, { slug: 'robotics', name: 'Robotics', keywords: ['robot grasping'] });
    const reader = await createSubscriber(db, 'liker@example.org', [list.id], { timezone: 'UTC', sendHour: 0 });
    // Liked long ago (outside the lookback): they teach the model and are never sent again.
    const protein = 'Protein structure prediction with diffusion models over amino acid sequences and folding';
    const liked = [
      await createPaper(db, 'Protein folding with diffusion', { abstract: protein, firstSeenAt: daysAgo(30) }),
      await createPaper(db, 'Diffusion for protein backbones', { abstract: protein, firstSeenAt: daysAgo(30) }),
      await createPaper(db, 'Amino acid sequence diffusion', { abstract: protein, firstSeenAt: daysAgo(30) }),
    ];
    for (const p of liked) await upsertRating(db, { subscriberId: reader.id, paperId: p.id, vote: 'up', listIds: [] });
    await createPaper(db, 'Robot grasping in clutter', {
      abstract: 'A robot grasping policy for cluttered bins.',
      upvotes: 5,
    });
    // Two like the liked ones: the first leads the email, the second stays under the section's heading.
    await createPaper(db, 'Diffusion models for protein structure', { abstract: `${protein} at scale`, upvotes: 3 });
    await createPaper(db, 'Folding amino acid chains by diffusion', { abstract: `${protein}, faster`, upvotes: 2 });
    await createPaper(db, 'Stock market volatility forecasting', {
      abstract: 'Forecasting financial volatility with GARCH models.',
      upvotes: 9,
    });
    await createPaper(db, 'Speech recognition for low-resource languages', {
      abstract: 'Speech transcription with little audio data.',
      upvotes: 8,
    });

    const period = currentPeriod('UTC');
    const planned = (await createDigestPlanProcessor(env.ctx)(fakeJob('plan', { digestId: 1, period }))) as {
      digestId: number;
    };
    const delivery = await db.delivery.findFirstOrThrow({
      where: { subscriberId: reader.id, digestId: planned.digestId },
    });
    await createDigestSendProcessor(env.ctx)(fakeJob('send', { digestId: planned.digestId, batch: delivery.batch }));

    const [mail] = await env.sink.waitFor(1);
    const html = String(mail!.parsed.html);
    expect(html).toContain('Recommended for you');
    expect(html).toContain('Diffusion models for protein structure');
    expect(html).toContain('Folding amino acid chains by diffusion');
    expect(html.match(/Like ‘[^’]+’, which you liked/g)).toHaveLength(2);
    expect(html).toMatch(
      /Like ‘(Protein folding with diffusion|Diffusion for protein backbones|Amino acid sequence diffusion)’, which you liked/,
    );

    // Every card carries both links; one "More like this", POSTed, is a rating of that card's paper.
    const link = (label: string) =>
      [...html.matchAll(new RegExp(`href="(${env.config.publicUrl}/feedback/[^"]+)"[^>]*>${label}</a>`, 'g'))].map(
        (m) => m[1]!,
      );
    const up = link('More like this');
    expect(up).toHaveLength(delivery.paperIds.length);
    expect(link('Less like this')).toHaveLength(delivery.paperIds.length);
    const before = await db.rating.count({ where: { subscriberId: reader.id } });
    const res = await request(createApp(env.ctx)).post(new URL(up[0]!).pathname);
    expect(res.status).toBeLessThan(400);
    const ratings = await db.rating.findMany({
      where: { subscriberId: reader.id, vote: 'up', paperId: { notIn: liked.map((p) => p.id) } },
    });
    expect(await db.rating.count({ where: { subscriberId: reader.id } })).toBe(before + 1);
    expect(ratings.map((r) => r.paperId)).toEqual([delivery.paperIds[0]]);
  }, 60_000);
});
