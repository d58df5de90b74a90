// `npm run bench -- signup-timing [--pairs 300] [--warmup 40]`: can answer
// times tell a new address from an existing one? Against a real `paperboy
// serve` (its own process, own database and queue prefix), it sends `pairs`
// sign-ups for new addresses and as many for addresses already subscribed,
// interleaved in a random order, one at a time, and compares the two sets of
// answer times with a Mann-Whitney U test (two-sided, normal approximation
// with a tie correction). p > 0.01 means no detectable difference.
import { randomBytes, randomInt } from 'node:crypto';
import os from 'node:os';
import { loadConfig } from '../src/config.js';
import { createDb } from '../src/db.js';
import { applyMigrations, dropDatabase, withDatabaseName } from '../src/migrations/apply-migrations.js';
import { flag } from './machine.js';
import { deleteRedisKeys, seedBenchData } from './signup/bench-data.js';
import { productionServerEnv, startChild, type ServerChild } from './signup/processes.js';

const log = (message: string) => process.stderr.write(`${message}\n`);
const round = (value: number, digits = 3) => Number(value.toFixed(digits));

/** Mann-Whitney U of a against b: z and the two-sided p (normal approximation, ties corrected). */
export function mannWhitney(a: number[], b: number[]) {
  const all = [...a.map((v) => ({ v, g: 0 })), ...b.map((v) => ({ v, g: 1 }))].sort((x, y) => x.v - y.v);
  const ranks = new Array<number>(all.length);
  let tieTerm = 0;
  for (let i = 0; i < all.length;) {
    let j = i;
    while (j + 1 < all.length && all[j + 1]!.v === all[i]!.v) j += 1;
    const t = j - i + 1;
    tieTerm += t ** 3 - t;
    for (let k = i; k <= j; k += 1) ranks[k] = (i + j) / 2 + 1;
    i = j + 1;
  }
  const n1 = a.length;
  const n2 = b.length;
  const n = n1 + n2;
  const rankSumA = all.reduce((sum, item, i) => (item.g === 0 ? sum + ranks[i]! : sum), 0);
  const u = rankSumA - (n1 * (n1 + 1)) / 2;
  const mean = (n1 * n2) / 2;
  const sd = Math.sqrt(((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1))));
  const z = sd ? (u - mean) / sd : 0;
  return { u, z: round(z), p: round(2 * (1 - normalCdf(Math.abs(z))), 4) };
}

/** Abramowitz-Stegun 7.1.26 erf: ample for a p-value. */
function normalCdf(x: number): number {
  const t = 1 / (1 + 0.3275911 * (x / Math.SQRT2));
  const erf =
    1 -
    ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) *
      t *
      Math.exp(-(x * x) / 2);
  return 0.5 * (1 + erf);
}

const quantile = (values: number[], q: number) => {
  const sorted = [...values].sort((x, y) => x - y);
  return round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0, 2);
};

export async function run(args: string[]): Promise<Record<string, unknown>> {
  const pairs = flag(args, '--pairs', 300);
  const warmup = flag(args, '--warmup', 40);
  const base = loadConfig();
  const suffix = randomBytes(4).toString('hex');
  const databaseUrl = withDatabaseName(base.databaseUrl, `paperboy_bench_timing_${suffix}`);
  const queuePrefix = `bench-timing-${suffix}`;
  const loadBefore = os.loadavg().map((v) => round(v, 2));
  await applyMigrations({ databaseUrl });
  const db = createDb(databaseUrl, { max: 2 });
  let app: ServerChild | undefined;
  try {
    await seedBenchData(db);
    const trending = await db.list.findUniqueOrThrow({ where: { slug: 'trending' } });
    const existing = Array.from({ length: pairs + warmup }, (_, i) => `known-${suffix}-${i}@bench.example.org`);
    for (const email of existing) {
      await db.subscriber.create({
        data: {
          email,
          status: 'active',
          confirmedAt: new Date(),
          subscriptions: { create: [{ listId: trending.id, confirmedAt: new Date() }] },
        },
      });
    }
    app = await startChild({
      script: 'bin/paperboy.js',
      args: ['serve'],
      readyPath: '/readyz',
      env: productionServerEnv({ databaseUrl, redisUrl: base.redisUrl, queuePrefix }),
    });
    const url = `${app.url}/subscribe`;
    const signup = async (email: string) => {
      const started = performance.now();
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email, lists: ['trending'] }),
      });
      await res.arrayBuffer();
      if (res.status !== 202) throw new Error(`sign-up answered ${res.status}`);
      return performance.now() - started;
    };
    // Interleaved at random, so drift in the machine's load hits both kinds alike.
    const order = [...Array<'new'>(pairs + warmup).fill('new'), ...Array<'existing'>(pairs + warmup).fill('existing')];
    for (let i = order.length - 1; i > 0; i -= 1) {
      const j = randomInt(i + 1);
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    const times = { new: [] as number[], existing: [] as number[] };
    let fresh = 0;
    let known = 0;
    for (const [i, kind] of order.entries()) {
      const email = kind === 'new' ? `new-${suffix}-${fresh++}@bench.example.org` : existing[known++]!;
      const ms = await signup(email);
      if (i >= warmup * 2) times[kind].push(ms);
    }
    log(`measured ${times.new.length} new and ${times.existing.length} existing sign-ups`);
    const test = mannWhitney(times.new, times.existing);
    return {
      server:
        'node bin/paperboy.js serve, NODE_ENV=production (the compiled dist/), LOG_LEVEL=warn, in its own process; requests one at a time',
      signups: times.new.length + times.existing.length,
      newAddresses: {
        count: times.new.length,
        p50Ms: quantile(times.new, 0.5),
        p90Ms: quantile(times.new, 0.9),
        p99Ms: quantile(times.new, 0.99),
      },
      existingAddresses: {
        count: times.existing.length,
        p50Ms: quantile(times.existing, 0.5),
        p90Ms: quantile(times.existing, 0.9),
        p99Ms: quantile(times.existing, 0.99),
      },
      mannWhitney: test,
      noDetectableDifference: test.p > 0.01,
      loadAverage: { before: loadBefore, after: os.loadavg().map((v) => round(v, 2)) },
    };
  } finally {
    await app?.stop().catch(() => {});
    await db.$disconnect();
    await dropDatabase(databaseUrl).catch((error: unknown) =>
      log(`could not drop the bench database: ${(error as Error).message}`),
    );
    await deleteRedisKeys(base.redisUrl, queuePrefix).catch(() => 0);
  }
}
