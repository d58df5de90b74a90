// `npm run bench -- archive [--days 365] [--per-day 60]`: what the public
// archive's pages cost an anonymous visitor. Seeds --days days of papers
// (--per-day each) and 8 public lists, three of them narrow (a marker word in
// one paper of 97, a high minUpvotes, one author), then times, in this
// process over HTTP (supertest against createApp): /archive first and again,
// each list's first page first and again, pages at several `before` cursors
// (each new to the process, then again), one edition, and both feeds.
// "first" is the first request of its kind in the process: nothing of it is
// remembered yet. Own database, dropped after.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import request from 'supertest';
import { loadConfig } from '../src/config.js';
import { createContext } from '../src/context.js';
import { editionPlans } from '../src/digest/archive-memo.js';
import { createArchive, latestPeriod, shiftPeriod } from '../src/digest/archive.js';
import { findArchiveList } from '../src/digest/archive-repo.js';
import { createApp } from '../src/http/app.js';
import { deleteQueueKeys } from '../src/jobs/queues.js';
import { createLogger } from '../src/logger.js';
import { applyMigrations, dropDatabase, withDatabaseName } from '../src/migrations/apply-migrations.js';
import { createRedis } from '../src/redis.js';
import { flag } from './machine.js';

const log = (message: string) => process.stderr.write(`${message}\n`);
const DAY_MS = 86_400_000;
const MARKER = 'zebrafish';
const AUTHOR = 'Ada Lovelace';

const LISTS = [
  { slug: 'trending', name: 'Trending', maxPapers: 10 },
  { slug: 'attention', name: 'Attention and transformers', keywords: ['attention', 'transformer'] },
  { slug: 'video', name: 'Video understanding', keywords: ['video'] },
  { slug: 'language-models', name: 'Language models', keywords: ['language model', 'LLM'] },
  { slug: 'diffusion', name: 'Diffusion and generation', keywords: ['diffusion', 'generation'] },
  { slug: 'zebrafish', name: 'Zebrafish (narrow)', keywords: [MARKER] },
  { slug: 'popular', name: 'Very popular (narrow)', minUpvotes: 995 },
  { slug: 'ada', name: 'By Ada (narrow)', authors: [AUTHOR] },
];

async function seed(ctx: ReturnType<typeof createContext>, days: number, perDay: number, today: string): Promise<void> {
  const sample = JSON.parse(
    readFileSync(new URL('../data/sample/daily-papers.json', import.meta.url), 'utf8'),
  ) as Array<{
    paper: { title: string; summary: string };
  }>;
  await ctx.db.list.createMany({ data: LISTS.map((l) => ({ ...l, public: true })) });
  const end = new Date(`${today}T00:00:00Z`).getTime();
  for (let d = 0; d < days; d++) {
    await ctx.db.paper.createMany({
      data: Array.from({ length: perDay }, (_, j) => {
        const i = d * perDay + j;
        const base = sample[i % sample.length]!.paper;
        return {
          key: `bench-${i}`,
          arxivId: `99${String(i).padStart(8, '0')}`,
          title: i % 97 === 0 ? `${base.title} in ${MARKER}` : `${base.title} (${i})`,
          abstract: base.summary,
          authors: i % 89 === 0 ? [AUTHOR, 'Charles Babbage'] : ['Grace Hopper', 'Alan Turing'],
          authorCount: 2,
          categories: [['cs.CV', 'cs.CL', 'cs.LG'][i % 3]!],
          upvotes: (i * 37) % 1000,
          source: 'file',
          // Spread over the window of period (today - d).
          firstSeenAt: new Date(end - (d + 1) * DAY_MS + ((j * 7919) % (DAY_MS - 1000)) + 1),
        };
      }),
    });
  }
}

export async function run(args: string[]): Promise<Record<string, unknown>> {
  const days = flag(args, 'days', 365);
  const perDay = flag(args, 'per-day', 60);
  const base = loadConfig();
  const databaseUrl = withDatabaseName(base.databaseUrl, `paperboy_bench_archive_${randomBytes(4).toString('hex')}`);
  const queuePrefix = `bench-archive-${randomBytes(4).toString('hex')}`;
  const config = loadConfig({
    ...process.env,
    DATABASE_URL: databaseUrl,
    QUEUE_PREFIX: queuePrefix,
    LOG_LEVEL: 'warn',
    PUBLIC_URL: 'https://paperboy.example.org',
  });
  await applyMigrations({ databaseUrl });
  const ctx = createContext(config, { logger: createLogger('warn') });
  const timings: Record<string, number> = {};
  try {
    const today = latestPeriod(new Date());
    log(`seeding ${days} days × ${perDay} papers, ${LISTS.length} lists…`);
    await seed(ctx, days, perDay, today);
    await ctx.db.$executeRaw`ANALYZE`;
    const app = createApp(ctx);
    const time = async (label: string, path: string): Promise<void> => {
      const started = process.hrtime.bigint();
      const res = await request(app).get(path);
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      if (res.status !== 200) throw new Error(`${path} answered ${res.status}`);
      timings[label] = Math.round(ms * 10) / 10;
      log(`  ${label.padEnd(34)} ${timings[label]} ms  (${path})`);
    };

    await time('index first', '/archive');
    await time('index repeat', '/archive');
    for (const list of LISTS) {
      await time(`list ${list.slug} first`, `/archive/${list.slug}`);
      await time(`list ${list.slug} repeat`, `/archive/${list.slug}`);
    }
    // Cursors an anonymous visitor may pick: each new to the process, then again.
    for (const back of [45, 120, 250, 364]) {
      for (const slug of ['trending', 'zebrafish', 'ada']) {
        const path = `/archive/${slug}?before=${shiftPeriod(today, -back)}`;
        await time(`list ${slug} before -${back}d first`, path);
        await time(`list ${slug} before -${back}d repeat`, path);
      }
    }
    await time('edition first', `/archive/attention/${shiftPeriod(today, -200)}`);
    await time('edition repeat', `/archive/attention/${shiftPeriod(today, -200)}`);
    for (const kind of ['atom', 'json']) {
      await time(`feed ${kind} trending`, `/lists/trending/feed.${kind}`);
      await time(`feed ${kind} zebrafish`, `/lists/zebrafish/feed.${kind}`);
    }
    const values = Object.values(timings);
    // What one remembered plan holds (its sections), as JSON: the process keeps up to PLAN_LIMIT of them.
    const trending = (await findArchiveList(ctx.db, 'trending'))!;
    const { editions } = await createArchive({ db: ctx.db, now: new Date() }).editions(trending, { limit: 30 });
    const planJsonBytes = Math.round(
      editions.reduce((sum, e) => sum + JSON.stringify(e.sections).length, 0) / editions.length,
    );
    return {
      days,
      papersPerDay: perDay,
      papers: days * perDay,
      lists: LISTS.length,
      slowestMs: Math.max(...values),
      totalMs: Math.round(values.reduce((a, b) => a + b, 0)),
      rememberedPlans: editionPlans.size,
      planJsonBytes,
      timingsMs: timings,
    };
  } finally {
    await ctx.close();
    await dropDatabase(databaseUrl).catch(() => {});
    const redis = createRedis(config.redisUrl, 'worker');
    await deleteQueueKeys(redis, queuePrefix).finally(() => redis.quit());
  }
}
